//! Why an import failed. `Display` is English; [`ImportError::message`] speaks the chosen language.

use std::path::PathBuf;

use thiserror::Error;

use super::limits::Limit;
use super::table::Place;
use crate::cli::Lang;

/// A table (or a block of a table) of the file, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    pub place: Place,
    /// 1-based block number, when the table holds several.
    pub block: Option<usize>,
    /// The file's name, for CSV tables.
    pub file_name: String,
}

impl Where {
    /// The place in the chosen language, e.g. 工作表「就业」第 2 块.
    pub fn text(&self, lang: Lang) -> String {
        let mut s = super::text::place(lang, &self.place, &self.file_name);
        if let Some(b) = self.block {
            match lang {
                Lang::Zh => s.push_str(&format!(" 第 {b} 块")),
                Lang::En => s.push_str(&format!(" block {b}")),
            }
        }
        s
    }
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// An import failure, naming the file and, where known, the sheet, row and column.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file name does not end in a known table format.
    #[error("{file}: unknown table format; import .xlsx, .xls, .csv or .docx")]
    UnknownFormat { file: PathBuf },
    /// A format zwgk cannot read but the user can convert (.doc, .et, .wps).
    #[error("{file}: .{ext} files cannot be read; open it in WPS or Word and save it as .{to}")]
    Convert {
        file: PathBuf,
        ext: String,
        to: &'static str,
    },
    /// The path is not a regular file (a device such as `/dev/zero`, a FIFO, a folder): it is
    /// not opened, so nothing waits on a pipe or reads forever.
    #[error("{}: {}", file.display(), crate::store::NOT_A_FILE)]
    NotAFile { file: PathBuf },
    /// The file could not be read at all.
    #[error("{}: cannot read: {error}", file.display())]
    Io {
        file: PathBuf,
        error: std::io::Error,
    },
    /// The spreadsheet reader refused the file.
    #[error(
        "{file}: cannot open the workbook ({message}); open it in Excel or WPS, save it as .xlsx and import that"
    )]
    Workbook { file: PathBuf, message: String },
    /// A worksheet could not be read.
    #[error(
        "{file}: sheet \"{sheet}\": cannot read ({message}); save the workbook as .xlsx and try again"
    )]
    Sheet {
        file: PathBuf,
        sheet: String,
        message: String,
    },
    /// The Word document is damaged or not a .docx.
    #[error(
        "{file}: not a readable .docx ({message}); open it in Word or WPS and save it as .docx"
    )]
    Docx { file: PathBuf, message: String },
    /// The CSV file could not be parsed.
    #[error("{file}: line {line}: {message}")]
    Csv {
        file: PathBuf,
        line: u64,
        message: String,
    },
    /// The file, or a table in it, goes over one of the import limits (`limits.rs`).
    #[error("{file}: {}{}", place.as_ref().map(|p| format!("{p}: ")).unwrap_or_default(), limit.english())]
    TooLarge {
        file: PathBuf,
        place: Option<Where>,
        /// Boxed: the error stays small enough to return by value (clippy's
        /// `result_large_err`, with Windows' larger `PathBuf`).
        limit: Box<Limit>,
    },
    /// The file holds no table (no sheet with cells, no Word table).
    #[error("{file}: no table found")]
    NoTable { file: PathBuf },
    /// No header row (序号, 公开事项, 公开内容 …) was found.
    #[error(
        "{file}: {place}: no header row found; the table needs a header with column names such as 序号, 一级事项, 二级事项, 公开内容, 公开依据, 公开时限, 公开主体, 公开渠道和载体"
    )]
    NoHeader { file: PathBuf, place: Where },
    /// A table was found but no row became an item.
    #[error("{file}: {place}: the table under the header (row {header_row}) has no item rows")]
    NoItems {
        file: PathBuf,
        place: Where,
        header_row: usize,
    },
    /// No id was given and none could be derived from the table's title.
    #[error(
        "{file}: {place}: give the catalogue id with --id (lower-case letters, digits and '-'); its title names no known domain"
    )]
    NeedId { file: PathBuf, place: Where },
    /// The given id is not usable.
    #[error("--id {id}: {problem}")]
    BadId { id: String, problem: String },
    /// Several tables, but `-o` names a file.
    #[error("{path}: the file has {count} tables; give -o a folder for their catalogues")]
    OutputNotFolder { path: PathBuf, count: usize },
    /// There is no data dir to write to and no `-o`.
    #[error("no data directory; give -o FILE or --data-dir DIR")]
    NoOutput,
    /// The catalogue built from the table does not validate.
    #[error("{file}: the catalogue made from {place} is not valid:\n{problems}")]
    Invalid {
        file: PathBuf,
        place: Where,
        problems: String,
    },
    /// The output is not a regular file (or a link to one), or writing it failed.
    #[error(transparent)]
    Output(#[from] crate::output::TargetError),
    /// The output's folder could not be made.
    #[error("{}: cannot make the folder: {error}", path.display())]
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl ImportError {
    /// True when the input is at fault (exit 2), false for a failure while writing (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ImportError::Output(e) => e.is_bad_target(),
            ImportError::Folder { .. } | ImportError::Invalid { .. } => false,
            _ => true,
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ImportError::UnknownFormat { file } => format!(
                "{}:无法识别的表格格式;请导入 .xlsx、.xls、.csv 或 .docx 文件",
                file.display()
            ),
            ImportError::Convert { file, ext, to } => format!(
                "{}:不能直接读取 .{ext} 文件;请用 WPS 或 Word 打开,另存为 .{to} 后再导入",
                file.display()
            ),
            ImportError::NotAFile { file } => {
                format!("{}:{}", file.display(), crate::store::NOT_A_FILE_ZH)
            }
            ImportError::Io { file, error } => format!(
                "{}:无法读取:{}",
                file.display(),
                crate::store::io_message(error, lang)
            ),
            ImportError::Workbook { file, message } => format!(
                "{}:无法打开工作簿({message});请用 Excel/WPS 另存为 .xlsx 后再导入",
                file.display()
            ),
            ImportError::Sheet {
                file,
                sheet,
                message,
            } => format!(
                "{}:工作表「{sheet}」无法读取({message});请另存为 .xlsx 后再试",
                file.display()
            ),
            ImportError::Docx { file, message } => format!(
                "{}:不是可读取的 .docx 文件({message});请用 Word/WPS 另存为 .docx",
                file.display()
            ),
            ImportError::Csv {
                file,
                line,
                message,
            } => format!("{}:第 {line} 行:{message}", file.display()),
            ImportError::TooLarge { file, place, limit } => format!(
                "{}:{}{}",
                file.display(),
                place
                    .as_ref()
                    .map(|p| format!("{}:", p.text(lang)))
                    .unwrap_or_default(),
                limit.chinese()
            ),
            ImportError::NoTable { file } => format!("{}:没有找到表格", file.display()),
            ImportError::NoHeader { file, place } => format!(
                "{}:{}:找不到表头行;表格需要有“序号、一级事项、二级事项、公开内容、公开依据、公开时限、公开主体、公开渠道和载体”等列名",
                file.display(),
                place.text(lang)
            ),
            ImportError::NoItems {
                file,
                place,
                header_row,
            } => format!(
                "{}:{}:表头(第 {header_row} 行)下没有可导入的事项行",
                file.display(),
                place.text(lang)
            ),
            ImportError::NeedId { file, place } => format!(
                "{}:{}:请用 --id 指定目录编号(小写字母、数字和 -);标题中没有可识别的领域名称",
                file.display(),
                place.text(lang)
            ),
            ImportError::BadId { id, .. } if crate::model::validate::windows_reserved(id) => {
                format!(
                    "--id {id}:是 Windows 的保留设备名(con、prn、aux、nul、com1–com9、lpt1–lpt9),不能用作目录文件名;请换一个编号"
                )
            }
            ImportError::BadId { id, problem } => format!("--id {id}:{problem}"),
            ImportError::OutputNotFolder { path, count } => format!(
                "{}:文件中有 {count} 个表格,-o 请指定一个文件夹",
                path.display()
            ),
            ImportError::NoOutput => {
                "没有数据目录;请用 -o 指定输出文件或用 --data-dir 指定数据目录".into()
            }
            ImportError::Invalid {
                file,
                place,
                problems,
            } => format!(
                "{}:由 {} 生成的目录未通过检查:\n{problems}",
                file.display(),
                place.text(lang)
            ),
            ImportError::Output(e) => e.message(lang),
            ImportError::Folder { path, error } => {
                format!("{}:无法创建文件夹:{error}", path.display())
            }
        }
    }
}
