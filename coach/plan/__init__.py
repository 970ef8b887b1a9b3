"""The learner's study plan: Markdown import and export, weeks, checklist ticks."""
