"""Where alerts go besides the in-app list: webhook, Slack-compatible webhook, email.

A channel is named on a rule as `kind:target` (`webhook:https://…`, `slack:https://…`,
`email:ops@example.com`); `channel_for(spec, settings)` builds it. Every channel sends one
alert or a digest of several, and raises DeliveryFailed saying whether a retry can help.
"""

from hubbub.alerts.channels.base import Channel, ChannelSettings, DeliveryFailed, channel_for

__all__ = ["Channel", "ChannelSettings", "DeliveryFailed", "channel_for"]
