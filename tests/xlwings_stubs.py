"""Run xlwings' own Windows UDF machinery on Linux: stub the pywin32 modules it imports.

``xlwings.udfs`` imports ``pythoncom``, ``pywintypes`` and ``win32com.client.Dispatch`` at the
top; nothing else is needed to use its decorators, its converters and its VBA-wrapper generator.
"""

from __future__ import annotations

import sys
import types


def install() -> None:
    if "pythoncom" in sys.modules and getattr(sys.modules["pythoncom"], "_agency_stub", False):
        return
    pythoncom = types.ModuleType("pythoncom")
    pythoncom._agency_stub = True
    pythoncom.IID_IDispatch = object()
    pythoncom.CoMarshalInterThreadInterfaceInStream = lambda *a, **k: None
    pythoncom.CoInitialize = lambda *a, **k: None
    pywintypes = types.ModuleType("pywintypes")

    class com_error(Exception):  # noqa: N801 - the pywin32 name
        pass

    pywintypes.com_error = com_error
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None
    win32com.client = client
    sys.modules.update(
        {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com,
         "win32com.client": client}
    )
