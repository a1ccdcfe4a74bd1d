"""Qingfeng's cryptography: pure functions over bytes.

Rule: only the standard library and `cryptography`; no Flask, no database, no imports of the
rest of the project. Every serialised format starts with a version byte.
"""
