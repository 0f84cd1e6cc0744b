"""The bundled deck files and their material, installed as the package study.bundled."""
