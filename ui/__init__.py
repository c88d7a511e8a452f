"""Streamlit UI helpers: strings (i18n), HTML building (render) and pure page logic (logic).

Everything here that builds markup escapes document and query text; app.py and ui/pages/ only
arrange Streamlit widgets around these functions.
"""
