"""QObjects that each own one long-lived loop in their own QThread (Qt Core only, no widgets)."""
