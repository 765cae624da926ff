"""What many tests share: loopback servers (``loopback``)."""
