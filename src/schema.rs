//! JSON Schemas of the file formats, generated from the serde types.

use crate::cli::SchemaKind;
use crate::model::catalogue::Catalogue;

/// The schema of a file format as pretty JSON.
pub fn schema_json(which: SchemaKind) -> String {
    let schema = match which {
        SchemaKind::Checklist => schemars::schema_for!(Catalogue),
        SchemaKind::Assessment => schemars::schema_for!(crate::model::assessment::Assessment),
        SchemaKind::Bundle => schemars::schema_for!(crate::sync::bundle::Header),
    };
    // Serializing a schema built from our own types cannot fail.
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
