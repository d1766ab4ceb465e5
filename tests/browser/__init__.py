"""Browser tests: JupyterLab and Voila driven by Python Playwright in Debian's Chromium."""
