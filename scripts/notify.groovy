// The `notify` action: posts a message to a webhook as Slack-compatible JSON ({"text": ...}).
// Scripts in scripts/ are trusted code, like a Jenkinsfile: every plan of the project can use the
// actions they define, so review them like the rest of the repository.

action {
    name 'notify'
    description 'Post a message to a webhook as Slack-compatible JSON ({"text": ...}); fails when the webhook does not answer 2xx.'
    input 'url', type: String, required: true, description: 'Webhook URL: a Slack incoming webhook, or any endpoint taking JSON'
    input 'text', type: String, required: true, description: 'The message; secret values are masked before it is sent'
    input 'channel', type: String, description: 'Slack channel override, e.g. #perf'
    input 'fields', type: Map, description: 'Extra name/value pairs, sent as one Slack attachment'
    input 'timeout', type: Duration, default: '5s', description: 'How long to wait for the webhook'
    output 'status', 'HTTP status the webhook answered'
    metric 'latency', unit: 'ms', direction: 'lower', description: 'Time the webhook took to answer'
    example '''
        - id: tell
          action: notify
          with:
            url: https://hooks.slack.com/services/${secrets.SLACK_HOOK}
            text: "checkout gate ${steps.gate.status}: p99 ${steps.load.metrics['latency.p99']} ms"
            fields: {plan: "${run.plan}", run: "${run.id}"}
        '''

    execute { ctx, inputs ->
        def payload = [text: ctx.mask(inputs.text)]
        if (inputs.channel) {
            payload.channel = inputs.channel
        }
        if (inputs.fields) {
            payload.attachments = [[fields: inputs.fields.collect { k, v -> [title: k, value: ctx.mask(v), short: true] }]]
        }
        def reply = ctx.http.post(inputs.url, json: payload, timeout: inputs.timeout)
        ctx.output('status', reply.status)
        ctx.metric('latency', reply.latencyMillis)
        if (!reply.ok()) {
            ctx.fail("the webhook answered ${reply.status}: ${reply.body.take(200)}")
        }
        ctx.log("posted to the webhook (${reply.status}, ${Math.round(reply.latencyMillis)} ms)")
    }
}
