"""The demo catalog that `make up` loads: `story` (its names and planted cases), `data` (the
catalog as records) and `builder` (`load`: one `CatalogService` call per record)."""
