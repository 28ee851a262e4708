package io.perfplan.cli;

import io.perfplan.store.RunRepository;

/** A run as the user names it on the command line: its id, or {@code last} for the newest run. */
final class RunRef {

    private RunRef() {}

    /** The run's id; throws {@link UsageException} when the text names no stored run. */
    static RunRepository.RunRow resolve(RunRepository runs, String text) {
        long id;
        if (text.equals("last")) {
            id = runs.history(new RunRepository.Filter(null, null, null, null, 1)).stream().findFirst()
                    .map(RunRepository.RunRow::id).orElseThrow(() -> new UsageException("there are no runs yet"));
        } else {
            try {
                id = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new UsageException("'" + text + "' is not a run id; run ids are numbers (see `perfplan history`) or 'last'");
            }
        }
        return runs.run(id).orElseThrow(() -> new UsageException("there is no run " + id + "; see `perfplan history`"));
    }
}
