//! Reports and the rectification ledger (整改台账): pure functions from an assessment to bytes.
