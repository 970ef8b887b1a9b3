"""Helpers shared by the deployment, resilience and security tests."""
