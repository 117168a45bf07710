"""Webhooks (DESIGN 3.10): signatures, the event payload, URL checks, the retry schedule, and the delivery pipeline
built on them (publish -> fan-out -> one signed POST per endpoint; README "Webhooks")."""
