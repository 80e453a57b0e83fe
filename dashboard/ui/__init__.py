"""The Streamlit page's parts: the only package (with ``app.py``) that imports Streamlit."""
