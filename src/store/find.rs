//! Naming an assessment on the command line: by its id or the start of it, by its unit's
//! 区划代码, or by its unit and round ("胡集镇", "2026年下半年", "胡集镇 2026年下半年").

use super::Loaded;

/// Which of the listed assessments a name names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Exactly this one (an index into the list).
    One(usize),
    /// None of them.
    None,
    /// Several: a longer name is needed (indices into the list).
    Many(Vec<usize>),
}

/// The id of a listed file: the assessment's, else the file name without `.json`.
pub fn listed_id(loaded: &Loaded) -> String {
    match &loaded.1 {
        Ok(a) => a.id.clone(),
        Err(_) => loaded
            .0
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Finds the assessment `name` names among `listed`, trying in turn: the whole id; the start
/// of an id; the whole 区划代码, unit name or round; every word of `name` found in the unit name or
/// the round. The first way that finds any decides: one is found, or several are.
pub fn find(listed: &[Loaded], name: &str) -> Found {
    let key = name.trim();
    if key.is_empty() {
        return Found::None;
    }
    let ids: Vec<String> = listed.iter().map(listed_id).collect();
    let header = |i: usize| {
        listed[i].1.as_ref().ok().map(|a| {
            (
                a.unit().name.trim().to_string(),
                a.round().trim().to_string(),
            )
        })
    };
    let code = |i: usize| {
        listed[i]
            .1
            .as_ref()
            .ok()
            .and_then(|a| a.unit().division_code.clone())
    };
    let words: Vec<&str> = key.split_whitespace().collect();
    let ways: [&dyn Fn(usize) -> bool; 4] = [
        &|i| ids[i] == key,
        &|i| ids[i].starts_with(key),
        &|i| {
            code(i).as_deref() == Some(key)
                || header(i).is_some_and(|(unit, round)| unit == key || round == key)
        },
        &|i| {
            header(i).is_some_and(|(unit, round)| {
                words.iter().all(|w| unit.contains(w) || round.contains(w))
            })
        },
    ];
    for way in ways {
        let hits: Vec<usize> = (0..listed.len()).filter(|&i| way(i)).collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return Found::One(*one),
            _ => return Found::Many(hits),
        }
    }
    Found::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::assessment::{Assessment, Header, Kind, NewAssessment, Unit};
    use crate::model::revision::{Author, Role};

    fn a(id: &str, unit: &str, round: &str) -> Loaded {
        let unit = Unit {
            name: unit.into(),
            // The three units of the test: 金乡街道 has its code.
            division_code: unit.starts_with("金乡").then(|| "370828001".to_string()),
            ..Unit::default()
        };
        let header = Header {
            unit: unit.clone(),
            round: round.into(),
            assessor: "张三".into(),
            created: "2026-11-27T06:40:05.000Z".into(),
            reviews: None,
        };
        let a = Assessment::create(
            NewAssessment {
                id: id.into(),
                kind: Kind::SelfCheck,
                partition: unit.partition(),
                header,
                domains: Vec::new(),
                basis: None,
            },
            Author {
                name: "张三".into(),
                device: "d".into(),
                role: Role::Township,
            },
            1_795_761_605_000,
        );
        (
            std::path::PathBuf::from(format!("{id}.json")),
            a.map_err(|e| super::super::StoreError::Invalid {
                path: "x".into(),
                message: e.to_string(),
            }),
        )
    }

    #[test]
    fn an_assessment_is_named_by_id_code_unit_or_round_when_that_names_one() {
        let listed = vec![
            a(
                "0190f5a2-7c00-7000-8000-000000000001",
                "胡集镇人民政府",
                "2026年上半年自查",
            ),
            a(
                "0190f5a2-7c00-7000-8000-000000000002",
                "胡集镇人民政府",
                "2026年下半年自查",
            ),
            a(
                "0190f5a2-7c00-7000-8000-000000000003",
                "金乡街道办事处",
                "2026年下半年自查",
            ),
        ];
        assert_eq!(
            find(&listed, "0190f5a2-7c00-7000-8000-000000000002"),
            Found::One(1)
        );
        assert_eq!(find(&listed, "0190f5a2"), Found::Many(vec![0, 1, 2]));
        assert_eq!(find(&listed, "金乡街道"), Found::One(2));
        assert_eq!(find(&listed, "370828001"), Found::One(2));
        assert_eq!(find(&listed, "胡集镇"), Found::Many(vec![0, 1]));
        assert_eq!(find(&listed, "2026年上半年自查"), Found::One(0));
        assert_eq!(find(&listed, "胡集镇 下半年"), Found::One(1));
        assert_eq!(find(&listed, "下半年"), Found::Many(vec![1, 2]));
        assert_eq!(find(&listed, "马集镇"), Found::None);
        assert_eq!(find(&listed, "  "), Found::None);
    }
}
