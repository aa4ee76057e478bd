//! placeholder until the report module is written
