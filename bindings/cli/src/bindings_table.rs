//! docs/BINDINGS.md has a row for every CLI command, naming its FFI call: this walks the clap
//! command tree (not a hand-kept list), so a new subcommand without a row fails here.

use clap::CommandFactory;

/// Every command path below the root ("checkin start", "map"), depth first.
fn command_paths(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue; // clap's own
        }
        let path = if prefix.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{prefix} {}", sub.get_name())
        };
        command_paths(sub, &path, out);
        out.push(path);
    }
}

/// The commands in the table's first column: "| `waymark X Y` | ...".
fn table_rows(doc: &str) -> Vec<String> {
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `waymark "))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(cmd, _)| cmd.trim().to_string())
        .collect()
}

const DOC: &str = include_str!("../../../docs/BINDINGS.md");

#[test]
fn every_cli_command_has_a_row_in_bindings_md() {
    let mut paths = vec![];
    command_paths(&crate::Cli::command(), "", &mut paths);
    assert!(
        paths.len() > 40,
        "the walk found too few commands: {paths:?}"
    );
    assert!(paths.iter().any(|p| p == "checkin start"));
    let rows = table_rows(DOC);
    let missing: Vec<&String> = paths.iter().filter(|p| !rows.contains(p)).collect();
    assert!(
        missing.is_empty(),
        "docs/BINDINGS.md has no row for: waymark {}",
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", waymark ")
    );
    // And no row names a command that does not exist (a renamed command leaves a stale row).
    let stale: Vec<&String> = rows.iter().filter(|r| !paths.contains(r)).collect();
    assert!(
        stale.is_empty(),
        "rows for commands that do not exist: {stale:?}"
    );
}

#[test]
fn the_walk_would_notice_a_missing_row() {
    let mut paths = vec![];
    command_paths(&crate::Cli::command(), "", &mut paths);
    let without = DOC.replace("| `waymark checkin extend` |", "| checkin extend |");
    assert!(!table_rows(&without).contains(&"checkin extend".to_string()));
    assert!(paths.contains(&"checkin extend".to_string()));
}
