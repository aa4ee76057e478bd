//! Every file of every target's corpus (seeds, and each input a fuzzing run found to crash,
//! once fixed) runs through the same entry function as the fuzz target: cheap regression cases,
//! without instrumentation.

#[test]
fn every_corpus_file_runs_cleanly() {
    let mut total = 0;
    for (name, entry) in waymark_fuzz::TARGETS {
        let dir = waymark_fuzz::corpus_dir(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()))
            .map(|e| e.expect("a corpus entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "target {name} has no seed corpus");
        for f in &files {
            let data = std::fs::read(f).expect("a readable corpus file");
            eprintln!("{name}: {}", f.display());
            entry(&data);
        }
        total += files.len();
    }
    waymark_fuzz::remove_scratch();
    eprintln!("{total} corpus files ran");
}

/// Every fuzz target binary has an entry here, and the other way round.
#[test]
fn every_target_binary_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets");
    let mut bins: Vec<String> = std::fs::read_dir(dir)
        .expect("fuzz_targets/")
        .map(|e| {
            e.expect("an entry")
                .path()
                .file_stem()
                .expect("a file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    bins.sort();
    let mut listed: Vec<String> = waymark_fuzz::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    listed.sort();
    assert_eq!(bins, listed);
}
