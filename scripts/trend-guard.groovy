// The `trend-guard` action reads the run history: it fails when a metric got worse in several
// consecutive runs (by default: p99 latency rose in each of the last three runs), a slow creep
// that a threshold or a single comparison with a baseline does not catch.

action {
    name 'trend-guard'
    description 'Fail when a metric rose in N consecutive runs (this run included), e.g. a p99 creeping up run after run.'
    input 'metric', type: String, default: 'load.latency.p99', description: 'The metric as <step>.<name>; this run must have reported it'
    input 'runs', type: Integer, default: 3, description: 'How many consecutive rises fail the step'
    input 'min_rise', type: Double, default: 0.0, description: 'A change counts as a rise only above this many percent'
    output 'series', 'The values compared, oldest first, this run last'
    metric 'rises', unit: '', direction: 'lower', description: 'Consecutive rises ending with this run'
    example '''
        - id: creep
          action: trend-guard
          with: {metric: load.latency.p99, runs: 3}
        '''

    execute { ctx, inputs ->
        String metric = inputs.metric
        int runs = inputs.runs
        Double now = ctx.history.current(metric)
        if (now == null) {
            ctx.fail("this run has no value of ${metric}; run the step that reports it before this one")
        }
        List<Double> series = ctx.history.values(metric, limit: runs) + [now]
        ctx.output('series', series)
        int rises = 0
        for (int i = series.size() - 1; i > 0 && series[i] > series[i - 1] * (1 + inputs.min_rise / 100); i--) {
            rises++
        }
        ctx.metric('rises', rises)
        String shown = series.collect { String.format('%.2f', it) }.join(' -> ')
        if (rises >= runs) {
            ctx.fail("${metric} rose in ${rises} consecutive runs: ${shown}")
        }
        ctx.log("${metric}: ${rises} consecutive rise(s), limit ${runs} (${shown})")
    }
}
