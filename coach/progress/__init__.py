"""`/progress`: one picture of the whole plan so far."""
