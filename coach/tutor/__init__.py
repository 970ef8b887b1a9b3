"""The coach's voice: free-text answers graded against a rubric, and short coaching replies."""
