"""Qt user interface. Import Qt only through ``desktop.ui.qt``; call services only through
``desktop.ui.ops``. No SQLAlchemy and no ``desktop.store`` here (checked by a test)."""
