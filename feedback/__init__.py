"""Cases: problem collection → tracking → resolution (built by the feedback issue)."""
