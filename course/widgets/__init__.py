"""ipywidgets explorers, one module per widget; each works in JupyterLab in a real browser."""
