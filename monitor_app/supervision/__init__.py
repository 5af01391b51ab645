"""Starting, watching, stopping and re-attaching real processes, and the state machine that drives them."""
