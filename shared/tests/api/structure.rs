//! The code's shape, held: the layer order of `shared/src/lib.rs`, no import loop inside a
//! layer, small files, and each route's path written in one place.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers of `lib.rs`, lowest first.
const LAYERS: &[&[&str]] = &[
    &["clock", "ids", "pem", "telemetry"],
    &["domain"],
    &["aws", "files"],
    &["mail", "tokens"],
    &["store"],
    &["service"],
    &["wire"],
    &["http", "events"],
    &["config"],
    &["runtime"],
];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("{module} is in no layer of lib.rs"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn root(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Each source file of `shared/src` as (module path, code without comment lines).
fn sources() -> Vec<(Vec<String>, String)> {
    let src = root("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).unwrap().with_extension("");
            let mut module: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let code = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (module, code)
        })
        .filter(|(module, _)| module != &["lib"])
        .collect()
}

/// The `crate::a::b` paths a file names, as (a, b).
fn crate_paths(code: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let mut parts = rest.split("::").map(|p| {
            p.chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
        });
        let first: String = parts.next().map(|p| p.collect()).unwrap_or_default();
        let second: Option<String> = parts
            .next()
            .map(|p| p.collect())
            .filter(|s: &String| !s.is_empty());
        if !first.is_empty() {
            out.push((first, second));
        }
    }
    out
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let mut upward = Vec::new();
    for (module, code) in sources() {
        let top = &module[0];
        for (target, _) in crate_paths(&code) {
            if &target != top && layer_of(&target) >= layer_of(top) {
                upward.push(format!("{} -> {target}", module.join("::")));
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "imports that do not point down: {upward:#?}"
    );
}

#[test]
fn no_two_modules_of_a_layer_import_each_other_in_a_loop() {
    // Edges between a top module's children (`crate::http::routes` → `crate::http::table`).
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in sources() {
        let Some(child) = module.get(1) else { continue };
        let from = format!("{}::{child}", module[0]);
        for (target, sub) in crate_paths(&code) {
            if let Some(sub) = sub.filter(|s| target == module[0] && s != child) {
                edges
                    .entry(from.clone())
                    .or_default()
                    .insert(format!("{target}::{sub}"));
            }
        }
    }
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = edges[start].iter().cloned().collect();
        while let Some(next) = stack.pop() {
            assert_ne!(&next, start, "{start} reaches itself through its imports");
            if seen.insert(next.clone()) {
                stack.extend(edges.get(&next).into_iter().flatten().cloned());
            }
        }
    }
}

#[test]
fn no_source_file_is_over_350_lines_and_no_test_file_over_600() {
    let mut long = Vec::new();
    for (dir, max) in [
        ("src", 350),
        ("../functions", 350),
        ("../local/src", 350),
        ("tests", 600),
    ] {
        let mut files = Vec::new();
        rust_files(&root(dir), &mut files);
        for file in files {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > max {
                long.push(format!("{} ({lines} > {max})", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "{long:#?}");
}

#[test]
fn each_routes_path_is_written_in_one_file_under_shared_src() {
    let mut files = Vec::new();
    rust_files(&root("src"), &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f, text)
        })
        .collect();
    let paths: BTreeSet<&str> = invitations::http::routes::all().map(|r| r.path).collect();
    for path in paths {
        let quoted = format!("\"{path}\"");
        let holders: Vec<String> = texts
            .iter()
            .filter(|(_, text)| text.contains(&quoted))
            .map(|(f, _)| f.display().to_string())
            .collect();
        assert_eq!(holders.len(), 1, "{path} is written in {holders:?}");
    }
}
