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

    /// 只读打开:不往数据目录写任何文件,也不加锁(写保护的U盘、备份、另一个 zwgk 正在用的目录) / open read-only: nothing is written in the data dir, no lock either (a write-protected stick, a backup, a dir another zwgk holds)
    #[arg(long, global = true)]
    pub read_only: bool,

    /// 身份:乡镇(自查、填写整改情况)或区县(回头看、整改任务、复核) / role: township or county
    #[arg(long, global = true, value_enum, env = "ZWGK_ROLE", default_value_t = RoleArg::Township)]
    pub role: RoleArg,

    /// 您的姓名,记入每处修改(默认取本机记住的姓名) / your name, recorded with every change
    #[arg(long, global = true, env = "ZWGK_USER", value_name = "NAME")]
    pub user: Option<String>,

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
    /// 本机的检查一览:编号、单位、类型、轮次、进度、最后修改 / the assessments on this device
    List {
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// 报告与整改台账 / report and rectification ledger
    Report {
        /// 检查文件路径,或数据目录中的检查:编号(可只写开头几位)、单位或轮次 / assessment file, or one in the data dir by id (prefix), unit or round
        assessment: String,
        /// 格式(可省略,由输出文件扩展名决定) / format (may be left out when the output's extension says it)
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// 输出文件(.md .html .csv .xlsx),- 为标准输出 / output file (.md .html .csv .xlsx), - for standard output
        #[arg(short, long)]
        output: PathBuf,
        /// 写什么:report 报告与整改台账(回头看默认),table 逐项检查表(自查默认) / what to write: report (and ledger; an inspection's default) or table (every item; a self-check's default)
        #[arg(long, value_enum)]
        kind: Option<ReportKind>,
    },
    /// 导入交来的数据包(.zwgk)或检查文件(.json);文件夹表示其中全部数据包 / import bundles (.zwgk) or assessment files (.json) handed over; a folder stands for its bundles
    Import {
        /// 数据包、检查文件或文件夹 / bundles, assessment files or folders
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 生成上报/下发数据包(每个单位一个文件,含佐证文件) / write hand-over bundles (one per unit, with the evidence files)
    Export {
        /// 检查的编号(开头几位)、单位名称、区划代码或轮次;不写则全部 / assessment id (prefix), unit, division code or round; none: all
        keys: Vec<String>,
        /// 写到哪个文件夹(如U盘) / the folder to write to (e.g. a USB stick)
        #[arg(short, long, default_value = ".")]
        output: PathBuf,
    },
    /// 汇总:各乡镇、各领域的检查进度、落实率、结论不同、整改、冲突、最近交接 / county overview per township and domain
    Summary {
        /// 数据目录、数据包、放数据包的文件夹或检查文件;不写则用本机数据目录 / data dirs, bundles, folders of bundles or assessment files; none: this data dir
        paths: Vec<PathBuf>,
        /// 格式 / format
        #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
        format: SummaryFormat,
        /// 终端表格里也列出各领域 / list each domain in the terminal table too
        #[arg(long)]
        by_domain: bool,
        /// 输出文件(默认:屏幕) / output file (default: standard output)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 与区县或市的 CouchDB 服务器同步:先上传本机的修改,再下载服务器上的 / replicate with a county or city CouchDB server: push, then pull
    #[command(args_conflicts_with_subcommands = true)]
    Sync {
        #[command(subcommand)]
        action: Option<SyncCommand>,
        /// 数据库地址,如 http://10.1.2.3:5984/zwgk_370828;不写则用上次的。用户名密码只从环境变量 ZWGK_SYNC_USER、ZWGK_SYNC_PASSWORD 或 couchdb.json 读取 / database URL (default: the last one); credentials only from ZWGK_SYNC_USER, ZWGK_SYNC_PASSWORD or couchdb.json
        url: Option<String>,
    },
    /// Saves changes in a loop and prints `ack N` after each save (crash-safety tests).
    #[command(hide = true)]
    SaveLoop {
        /// Stop after this many changes (0: run until killed).
        #[arg(long, default_value_t = 0)]
        changes: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// 只上传本机的修改 / push only
    Push {
        /// 数据库地址 / database URL
        url: Option<String>,
    },
    /// 只下载服务器上的修改 / pull only
    Pull {
        /// 数据库地址 / database URL
        url: Option<String>,
    },
    /// 建库并安装权限规则(_design/zwgk)和 _security;需要服务器管理员账号 / create the database, install the role rule and _security (server admin)
    Setup {
        /// 数据库地址 / database URL
        url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// 列出全部目录 / list every catalogue
    List,
    /// 显示一个目录的全部事项 / show every row of one catalogue
    Show {
        /// 目录编号、名称或别名,如 employment、就业 / catalogue id, name or alias, e.g. employment, 就业
        id: String,
    },
    /// 检查目录文件 / check catalogue files and report every problem
    Validate {
        /// 目录文件 / catalogue files
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// 导入官方目录表格(xlsx/xls/csv/docx) / import an official catalogue table
    Import {
        /// 表格文件 / the table file
        file: PathBuf,
        /// 目录编号(小写字母、数字、-) / catalogue id (lower-case letters, digits, -)
        #[arg(long)]
        id: Option<String>,
        /// 领域名称 / domain name
        #[arg(long)]
        name: Option<String>,
        /// 分组 / group
        #[arg(long, value_enum, default_value_t = GroupArg::Local)]
        group: GroupArg,
        /// 版本 / version label (default: today's date)
        #[arg(long)]
        version: Option<String>,
        /// 输出文件或文件夹(默认:数据目录 checklists/) / output file or folder (default: the data dir's checklists/)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Who uses this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// 乡镇、街道
    Township,
    /// 区县
    County,
}

/// Catalogue group on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    /// 国家26领域
    National,
    /// 市级(+1)
    City,
    /// 本地(+n)
    Local,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown
    Md,
    /// 网页(可打印) / HTML, prints on A4
    Html,
    /// CSV (UTF-8 BOM, Excel)
    Csv,
    /// Excel / WPS
    Xlsx,
}

/// What `zwgk report` and the app's export write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// 报告与整改台账 / the report and the rectification ledger
    Report,
    /// 逐项检查表(自查表) / every item with its catalogue columns and result
    Table,
}

impl ReportKind {
    /// What an assessment of this kind exports by default: a self-check its 自查表, an
    /// inspection its report and ledger.
    pub fn default_for(kind: crate::model::assessment::Kind) -> ReportKind {
        match kind {
            crate::model::assessment::Kind::SelfCheck => ReportKind::Table,
            crate::model::assessment::Kind::Inspection => ReportKind::Report,
        }
    }
}

/// Formats of the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// 终端表格 / a table in the terminal
    Table,
    /// CSV (UTF-8 BOM, Excel)
    Csv,
    /// Excel / WPS
    Xlsx,
    /// 网页 / HTML
    Html,
    /// JSON
    Json,
}

/// Output formats of `zwgk list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// 表格 / a table
    Text,
    /// JSON
    Json,
}

/// File formats with a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// 目录文件 / catalogue file
    Checklist,
    /// 检查文件 / assessment file
    Assessment,
    /// 数据包头(bundle.json) / bundle header (bundle.json)
    Bundle,
}
