"""Notice templates (Jinja2), shipped as package data so a wheel install finds them."""
