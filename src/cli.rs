//! Command-line interface (clap). Help texts are bilingual because the language flag is
//! itself parsed from these arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// zwgk — 基层政务公开标准目录 自查与回头看 (offline checklists for government-openness catalogues)
#[derive(Debug, Parser)]
#[command(name = "zwgk", version, about, long_about = None)]
pub struct Cli {
    /// 数据目录 / data directory (assessments, local catalogues)
    #[arg(long, global = true, env = "ZWGK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// 额外目录文件夹 / extra catalogue folder (adds or replaces catalogues by id)
    #[arg(long, global = true, value_name = "DIR")]
    pub checklists: Vec<PathBuf>,

    /// 界面语言 / interface language
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Lang {
    /// 简体中文
    #[default]
    Zh,
    /// English
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 标准目录 / catalogues: list, show, validate
    #[command(subcommand)]
    Checklist(ChecklistCommand),
    /// 打印 JSON Schema / print a file format's JSON Schema
    Schema {
        /// 哪种文件 / which file format
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// 列出全部目录 / list every catalogue
    List,
    /// 显示一个目录的全部事项 / show every row of one catalogue
    Show {
        /// 目录编号,如 employment / catalogue id, e.g. employment
        id: String,
    },
    /// 检查目录文件 / check catalogue files and report every problem
    Validate {
        /// 目录文件 / catalogue files
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// File formats with a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// 目录文件 / catalogue file
    Checklist,
    /// 检查文件 / assessment file
    Assessment,
}
