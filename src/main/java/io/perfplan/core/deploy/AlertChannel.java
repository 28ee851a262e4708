package io.perfplan.core.deploy;

/** Where alerts go. Sending never throws: a channel that cannot deliver says so in its {@link Delivery}. */
public interface AlertChannel {

    /**
     * What became of one alert.
     *
     * @param delivered true when the channel accepted it
     * @param attempts  tries made
     * @param problem   why it was not delivered (last failure), or null
     */
    record Delivery(boolean delivered, int attempts, String problem) {}

    Delivery send(Alert alert);

    /** Where the channel sends to, for logs (e.g. {@code webhook https://hooks.example.com/x}). */
    String describe();

    /** A channel that writes {@link Alert#toLine()} to a line sink (the step's log). */
    static AlertChannel log(java.util.function.Consumer<String> sink) {
        return new AlertChannel() {
            @Override
            public Delivery send(Alert alert) {
                sink.accept(alert.toLine());
                return new Delivery(true, 1, null);
            }

            @Override
            public String describe() {
                return "log";
            }
        };
    }
}
