"""Webhooks' pure building blocks (DESIGN 3.10): signatures, the event payload, URL checks, the retry schedule."""
