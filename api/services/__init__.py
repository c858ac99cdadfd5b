"""Use cases, each in one transaction. No Flask request here: views pass plain values in."""
