package io.perfplan.cli;

import io.perfplan.engine.Cancellation;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a run is going, Ctrl-C (SIGINT) and SIGTERM cancel it instead of ending the JVM: the engine
 * then stops the running steps and their processes, runs {@code finally} and records the run while
 * the database is still open (a JVM shutdown would close it under the run). A second signal exits at once.
 */
final class SignalCancellation implements AutoCloseable {

    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;

    private SignalCancellation(SignalHandler previousInt, SignalHandler previousTerm) {
        this.previousInt = previousInt;
        this.previousTerm = previousTerm;
    }

    static SignalCancellation install(Cancellation cancel) {
        SignalHandler handler = sig -> {
            if (cancel.isCancelled()) {
                System.err.println("perfplan: second " + sig.getName() + ", exiting without waiting for finally steps");
                System.exit(130);
            }
            cancel.cancel("cancelled by SIG" + sig.getName() + " (Ctrl-C or kill)");
        };
        return new SignalCancellation(Signal.handle(new Signal("INT"), handler), Signal.handle(new Signal("TERM"), handler));
    }

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
    }
}
