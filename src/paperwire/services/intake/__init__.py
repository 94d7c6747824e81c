"""Intake: papers coming in — harvested (arXiv, Hugging Face), imported from files,
submitted by readers, a first start's harvest — and embedded once stored, here or on Ray.
May import: the shared modules, library and glance (made at embed time); the worker that
schedules it is operations'."""
