//! Helpers shared by the chapter's Rust programs: the book's command-line conventions.

pub mod cli {
    //! Every option is `--name VALUE` or `--name=VALUE`; anything unknown, a missing
    //! value or a number out of range prints the usage to stderr and exits with status 2;
    //! `--help` prints it to stdout and exits with status 0 (as code/common/cli.hpp).
    use std::collections::HashMap;
    use std::process::exit;

    enum Kind {
        Number { min: u64, max: u64 },
        Choice(&'static [&'static str]),
    }

    struct Opt {
        name: &'static str,
        help: &'static str,
        kind: Kind,
        default: String,
    }

    /// A parser for one program; register options, then call `parse`.
    pub struct Parser {
        program: &'static str,
        summary: &'static str,
        opts: Vec<Opt>,
    }

    /// The parsed values, looked up by option name.
    pub struct Args {
        values: HashMap<&'static str, String>,
    }

    impl Args {
        /// The value of a numeric option.
        pub fn num(&self, name: &str) -> u64 {
            self.values[name].parse().expect("validated by the parser")
        }
        /// The value of a choice option.
        pub fn text(&self, name: &str) -> &str {
            &self.values[name]
        }
    }

    impl Parser {
        /// A parser for `program`, whose usage starts with `summary`.
        pub fn new(program: &'static str, summary: &'static str) -> Self {
            Parser {
                program,
                summary,
                opts: Vec::new(),
            }
        }

        /// `--name N`, an integer in [min, max].
        pub fn number(
            mut self,
            name: &'static str,
            default: u64,
            min: u64,
            max: u64,
            help: &'static str,
        ) -> Self {
            let kind = Kind::Number { min, max };
            self.opts.push(Opt {
                name,
                help,
                kind,
                default: default.to_string(),
            });
            self
        }

        /// `--name WORD`, one of `choices`.
        pub fn choice(
            mut self,
            name: &'static str,
            default: &'static str,
            choices: &'static [&'static str],
            help: &'static str,
        ) -> Self {
            let kind = Kind::Choice(choices);
            self.opts.push(Opt {
                name,
                help,
                kind,
                default: default.to_string(),
            });
            self
        }

        fn usage(&self) -> String {
            let mut text = format!("usage: {}", self.program);
            for o in &self.opts {
                text += &format!(" [--{} {}]", o.name, o.name.to_uppercase());
            }
            text += &format!("\n{}\n", self.summary);
            for o in &self.opts {
                let range = match &o.kind {
                    Kind::Number { min, max } => format!("{}..{}", min, max),
                    Kind::Choice(c) => c.join("|"),
                };
                text += &format!(
                    "  --{:<20} {} ({}, default {})\n",
                    o.name, o.help, range, o.default
                );
            }
            text
        }

        fn fail(&self, why: &str) -> ! {
            eprint!("{}: {}\n{}", self.program, why, self.usage());
            exit(2)
        }

        /// Parses the process's arguments, or exits as the book's programs do.
        pub fn parse(self) -> Args {
            let argv: Vec<String> = std::env::args().skip(1).collect();
            let mut values: HashMap<&'static str, String> = self
                .opts
                .iter()
                .map(|o| (o.name, o.default.clone()))
                .collect();
            let mut i = 0;
            while i < argv.len() {
                let arg = &argv[i];
                if arg == "--help" || arg == "-h" {
                    print!("{}", self.usage());
                    exit(0)
                }
                let body = match arg.strip_prefix("--") {
                    Some(b) => b,
                    None => self.fail(&format!("unexpected argument '{}'", arg)),
                };
                let (name, inline) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (body, None),
                };
                let opt = match self.opts.iter().find(|o| o.name == name) {
                    Some(o) => o,
                    None => self.fail(&format!("unknown option '--{}'", name)),
                };
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match argv.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                self.fail(&format!("option '--{}' needs a value", name))
                            }
                        }
                    }
                };
                let ok = match &opt.kind {
                    Kind::Number { min, max } => {
                        matches!(value.parse::<u64>(), Ok(v) if v >= *min && v <= *max)
                    }
                    Kind::Choice(c) => c.contains(&value.as_str()),
                };
                if !ok {
                    self.fail(&format!("bad value '{}' for '--{}'", value, name));
                }
                values.insert(opt.name, value);
                i += 1;
            }
            Args { values }
        }
    }
}
