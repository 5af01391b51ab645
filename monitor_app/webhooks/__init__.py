"""Webhooks: tell Discord, Slack or any HTTP receiver what happened, without leaking what must stay private.

Pure Python plus ``requests``: no Qt, no database, no threads of its own. A delivery job calls ``render`` then
``deliver`` on a jobs thread (``deliver`` blocks for up to about its timeout) and stores
``DeliveryResult.as_job_outcome()``.

- ``formats``: ``render(endpoint, notification)`` -> bytes + headers in the endpoint's shape (generic signed
  JSON, Discord embeds, Slack blocks), within each service's size limits.
- ``messages``: what a notification says, in English and Korean.
- ``signing``: ``X-Monitor-Signature: sha256=<HMAC of the body>`` for the generic format.
- ``privacy``: secret-looking detail keys and the endpoint's own URL and secret never reach a body.
- ``delivery``: one POST with a hard-ish time limit, classified as ok / retry later / permanent failure.

Detail keys the engine sends (the contract the messages are written for):

=====================  ==========================================================================================
``program.exited``     exit_code, uptime_s, restarts, cpu_percent, memory_mb, last_output (list of str),
                       next_action (str: "restart in 4 s", "none (policy: never)", "gave up"), crash_loop (bool)
``program.fatal``      exit_code, attempts, last_output, message
``program.started``    pid, cause, actor
``program.stopped``    cause, actor, exit_code
``program.restarted``  restarts, downtime_s
``alert.*``            rule_id, rule_name, rule_kind, value, threshold, unit, message, action
``plugin.<id>.<ev>``   message, plus anything (rendered generically)
``webhook.test``       message
=====================  ==========================================================================================
"""

from monitor_app.webhooks.delivery import DeliveryResult, deliver, redact_url, validate_url
from monitor_app.webhooks.formats import RenderedPayload, render
from monitor_app.webhooks.messages import Message, describe
from monitor_app.webhooks.signing import sign, verify_signature

__all__ = [
    "DeliveryResult",
    "Message",
    "RenderedPayload",
    "deliver",
    "describe",
    "redact_url",
    "render",
    "sign",
    "validate_url",
    "verify_signature",
]
