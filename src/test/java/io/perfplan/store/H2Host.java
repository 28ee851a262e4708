package io.perfplan.store;

import java.io.IOException;

/**
 * A second process for {@link HandOverTest}: opens the H2 file given as its argument (so, being
 * first, it hosts the AUTO_SERVER server), says "hosting", and exits when its standard input closes,
 * as a perfplan run that ends under others connected to its file.
 */
public final class H2Host {

    private H2Host() {}

    public static void main(String[] args) throws IOException {
        try (Database db = Database.open(args[0], null, null)) {
            db.runs().history(new RunRepository.Filter(null, null, null, null, 1));
            System.out.println("hosting");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our input
            }
        }
        System.exit(0);
    }
}
