"""Files in and out: reading CSV/XLSX/GeoJSON/GeoPackage, cells, import plans, exports."""
