"""Pure business models, one module per model of the plan. No Excel, no files, no ``agency_xl.ams``:
numbers, arrays and DataFrames with the documented column names in, typed results out."""
