//! Spark SQL text to Spark Connect relations and expressions, so that SQL
//! and the DataFrame API resolve through the same planner.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};

use connect::subquery_expression::SubqueryType;
use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, relation::RelType};
use datafusion::sql::sqlparser::ast;
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::Location;

use crate::error::{ErrorKind, Result, SparkError};
use dialect::EmberDialect;

pub mod commands;
mod files;
mod hints;
pub use references::referenced_tables;
mod dialect;
mod identifier;
mod invalid_identifier;
mod lateral;
mod organize;
mod origin;
mod recursive;
mod references;
mod reshape;
mod sample;
mod sample_tokens;
mod table_argument;

/// A SQL statement, as `spark.sql` runs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// A query (`SELECT …`, set operations, `VALUES`).
    Query(connect::Relation),
    /// `CREATE [OR REPLACE] TEMP VIEW name [(columns…)] AS query`.
    CreateTempView { name: String, relation: connect::Relation, replace: bool },
    /// A catalog command (databases, tables, `INSERT`, `SHOW`, `DESCRIBE`).
    Command(commands::Command),
}

/// Values for a statement's parameter markers (`spark.sql(query, args)`).
#[derive(Debug, Clone, Default)]
pub struct SqlArguments {
    /// Values of `:name` markers.
    pub named: HashMap<String, connect::Expression>,
    /// Values of `?` markers, in order of appearance.
    pub positional: Vec<connect::Expression>,
}

impl SqlArguments {
    /// The arguments an `Sql` relation carries, in its current or legacy fields.
    pub fn of(sql: &connect::Sql) -> Self {
        let literal = |l: &connect::expression::Literal| expr(ExprType::Literal(l.clone()));
        #[allow(deprecated)]
        let mut named: HashMap<String, connect::Expression> = sql.args.iter().map(|(k, v)| (k.clone(), literal(v))).collect();
        named.extend(sql.named_arguments.iter().map(|(k, v)| (k.clone(), v.clone())));
        #[allow(deprecated)]
        let mut positional: Vec<connect::Expression> = sql.pos_args.iter().map(literal).collect();
        positional.extend(sql.pos_arguments.iter().cloned());
        SqlArguments { named, positional }
    }
}

/// Parses one statement.
pub fn parse_statement(sql: &str, arguments: &SqlArguments) -> Result<Statement> {
    parse_statement_text(sql, arguments).map_err(|e| match e.error_class.as_str() {
        "PARSE_SYNTAX_ERROR" => invalid_identifier::invalid_identifier(sql).unwrap_or(e),
        _ => e,
    })
}

fn parse_statement_text(sql: &str, arguments: &SqlArguments) -> Result<Statement> {
    recursive::forget_max_levels();
    if let Some(command) = commands::parse(sql, arguments)? {
        return Ok(Statement::Command(command));
    }
    let (mut parser, markers) = parser(sql)?;
    let markers = Markers { arguments: arguments.clone(), positions: markers, sql_text: sql.to_string() };
    let statement = parser.parse_statement().map_err(|e| parse_error(&e))?;
    // `VALUES (…), (…) AS t(a, b)` as a whole statement.
    let values_alias = match &statement {
        ast::Statement::Query(query) if matches!(*query.body, ast::SetExpr::Values(_)) => {
            parser.maybe_parse_table_alias().map_err(|e| parse_error(&e))?
        }
        _ => None,
    };
    while parser.consume_token(&datafusion::sql::sqlparser::tokenizer::Token::SemiColon) {}
    if parser.peek_token().token != datafusion::sql::sqlparser::tokenizer::Token::EOF {
        return Err(parse_error(&parser.expected::<()>("end of input", parser.peek_token()).unwrap_err()));
    }
    match statement {
        ast::Statement::Query(query) => {
            let relation = translate_query(&query, markers)?;
            Ok(Statement::Query(match values_alias {
                Some(alias) => aliased(relation, &alias),
                None => relation,
            }))
        }
        ast::Statement::CreateView(view) if view.temporary && !view.materialized => {
            if view.if_not_exists {
                return Err(SparkError::new(
                    crate::ErrorKind::Parse,
                    "_LEGACY_ERROR_TEMP_0053",
                    "",
                    "It is not allowed to define a TEMPORARY view with IF NOT EXISTS.",
                    &[],
                ));
            }
            let mut relation = translate_query(&view.query, markers)?;
            if !view.columns.is_empty() {
                relation = rel(RelType::ToDf(Box::new(connect::ToDf {
                    input: Some(Box::new(relation)),
                    column_names: view.columns.iter().map(|c| c.name.value.clone()).collect(),
                })));
            }
            Ok(Statement::CreateTempView {
                name: single_part_name(&view.name)?,
                relation,
                replace: view.or_replace,
            })
        }
        ast::Statement::Set(_) => Err(SparkError::unsupported("SET inside a query")),
        other => Err(SparkError::unsupported(format!("SQL statement {}", statement_kind(&other)))),
    }
}

/// Parses a query (`SELECT …`, set operations, `VALUES`).
pub fn parse_query(sql: &str, arguments: &SqlArguments) -> Result<connect::Relation> {
    match parse_statement(sql, arguments)? {
        Statement::Query(relation) => Ok(relation),
        _ => Err(SparkError::unsupported("a command where a query is expected")),
    }
}

/// A query with the relations its subqueries refer to.
fn translate_query(query: &ast::Query, markers: Markers) -> Result<connect::Relation> {
    let (root, references) = Scope::translate(markers, || query_relation(query))?;
    Ok(with_references(root, references))
}

fn single_part_name(name: &ast::ObjectName) -> Result<String> {
    match name.0.as_slice() {
        [ast::ObjectNamePart::Identifier(ident)] => Ok(ident.value.clone()),
        _ => Err(SparkError::unsupported(format!("multi-part view name {name}"))),
    }
}

/// Parses an expression, as `expr()` and `filter("…")` take it.
pub fn parse_expression(sql: &str) -> Result<connect::Expression> {
    let parsed = parse_expression_string(sql, |parser| {
        let parsed = parser.parse_expr().map_err(|e| parse_error(&e))?;
        expect_end(parser)?;
        Ok(parsed)
    })?;
    expression(&parsed)
}

/// Parses a select item, as `selectExpr` takes it (`a + 1 AS b`, `t.*`).
pub fn parse_select_item(sql: &str) -> Result<connect::Expression> {
    let item = parse_expression_string(sql, |parser| {
        let item = parser.parse_select_item().map_err(|e| parse_error(&e))?;
        expect_end(parser)?;
        Ok(item)
    })?;
    select_item(&item)
}

/// A parser over `sql`, and where its `?` parameter markers are.
fn parser(sql: &str) -> Result<(Parser<'static>, Vec<Location>)> {
    let (tokens, markers) = tokens(sql)?;
    Ok((Parser::new(&EmberDialect).with_tokens_with_locations(tokens), markers))
}

/// The tokens of `sql` as Spark reads them, and where its `?` parameter markers are.
fn tokens(sql: &str) -> Result<(Vec<datafusion::sql::sqlparser::tokenizer::TokenWithSpan>, Vec<Location>)> {
    use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&EmberDialect, sql)
        .tokenize_with_location()
        .map_err(|e| SparkError::parse_syntax(&format!("'{}'", e.message), ""))?;
    let markers = tokens
        .iter()
        .filter(|t| matches!(&t.token, Token::Placeholder(p) if p == "?"))
        .map(|t| t.span.start)
        .collect();
    // Spark's typed numeric literals (`1L`, `2.5D`, `1BD`) arrive as a number
    // directly followed by a word; keep them as one number token.
    let mut merged: Vec<datafusion::sql::sqlparser::tokenizer::TokenWithSpan> = Vec::with_capacity(tokens.len());
    for mut token in tokens {
        if let Token::SingleQuotedString(text) | Token::DoubleQuotedString(text) = &mut token.token {
            // `r'…'`: a raw string, its backslashes kept.
            let raw = matches!(merged.last(), Some(previous) if previous.span.end == token.span.start
                && matches!(&previous.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("r")));
            if raw {
                token.span.start = merged.pop().map_or(token.span.start, |previous| previous.span.start);
            } else {
                *text = unescape_string_literal(text);
            }
        }
        if let (Some(previous), Token::Word(word)) = (merged.last_mut(), &token.token) {
            if let Token::Number(number, long) = &previous.token {
                let suffix = word.value.to_uppercase();
                let adjacent = previous.span.end == token.span.start;
                if adjacent && word.quote_style.is_none() && NUMERIC_SUFFIXES.contains(&suffix.as_str()) {
                    previous.token = Token::Number(format!("{number}{suffix}"), *long);
                    previous.span.end = token.span.end;
                    continue;
                }
            }
        }
        merged.push(token);
    }
    unkeyword_exists_calls(&mut merged);
    let mut merged = join_star_except_paths(merged);
    hints::take(&merged);
    recursive::take_max_levels(&mut merged);
    table_argument::hide(&mut merged);
    sample_tokens::move_aliases_before_samples(&mut merged)?;
    Ok((merged, markers))
}

/// Spark's escapes in string literals: `\\` is a backslash, `\n`, `\t`,
/// `\r`, `\b`, `\0` and `\Z` are control characters, `\uXXXX` is a code
/// point, `\%` and `\_` stay escaped for LIKE, and any other escaped
/// character stands for itself.
fn unescape_string_literal(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('0') => out.push('\0'),
            Some('Z') => out.push('\u{1a}'),
            Some(c @ ('%' | '_')) => {
                out.push('\\');
                out.push(c);
            }
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).filter(|_| hex.len() == 4) {
                    Some(code) => {
                        out.push(code);
                        chars.nth(3);
                    }
                    None => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The indexes of the tokens that are not whitespace.
fn significant_tokens(tokens: &[datafusion::sql::sqlparser::tokenizer::TokenWithSpan]) -> Vec<usize> {
    use datafusion::sql::sqlparser::tokenizer::Token;
    (0..tokens.len()).filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_))).collect()
}

/// `exists(arr, x -> …)` is Spark's higher-order function, not an EXISTS
/// subquery: an `EXISTS (` not followed by a query becomes a plain name.
fn unkeyword_exists_calls(tokens: &mut [datafusion::sql::sqlparser::tokenizer::TokenWithSpan]) {
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::Token;
    let significant = significant_tokens(tokens);
    for window in significant.windows(3) {
        let [word, paren, next] = [window[0], window[1], window[2]];
        let is_exists = matches!(&tokens[word].token, Token::Word(w) if w.keyword == Keyword::EXISTS && w.quote_style.is_none());
        let opens_query = matches!(&tokens[next].token, Token::Word(w) if matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES | Keyword::FROM | Keyword::TABLE))
            || matches!(tokens[next].token, Token::LParen);
        if is_exists && matches!(tokens[paren].token, Token::LParen) && !opens_query {
            if let Token::Word(w) = &mut tokens[word].token {
                w.keyword = Keyword::NoKeyword;
            }
        }
    }
}

/// Joins the parts of a path in one.
const PATH_SEPARATOR: char = '\u{1f}';

/// `* EXCEPT (s.a, t.s.b)`: each dotted path of the list becomes one quoted
/// word of its parts joined by [`PATH_SEPARATOR`], since the parser takes
/// single names there and Spark takes paths (nested fields to leave out).
fn join_star_except_paths(tokens: Vec<datafusion::sql::sqlparser::tokenizer::TokenWithSpan>) -> Vec<datafusion::sql::sqlparser::tokenizer::TokenWithSpan> {
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::{Token, Word};
    let significant = significant_tokens(&tokens);
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (at, window) in significant.windows(3).enumerate() {
        let opens_list = matches!(tokens[window[0]].token, Token::Mul)
            && matches!(&tokens[window[1]].token, Token::Word(w) if w.keyword == Keyword::EXCEPT && w.quote_style.is_none())
            && matches!(tokens[window[2]].token, Token::LParen);
        if !opens_list {
            continue;
        }
        let mut next = at + 3;
        while let Some(&start) = significant.get(next) {
            let mut end = next;
            while matches!(significant.get(end + 1).map(|&i| &tokens[i].token), Some(Token::Period))
                && matches!(significant.get(end + 2).map(|&i| &tokens[i].token), Some(Token::Word(_)))
            {
                end += 2;
            }
            if end > next {
                joined.push((start, significant[end]));
            }
            next = end + 1;
            match significant.get(next).map(|&i| &tokens[i].token) {
                Some(Token::Comma) => next += 1,
                _ => break,
            }
        }
    }
    if joined.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut tokens = tokens.into_iter().enumerate().peekable();
    while let Some((at, token)) = tokens.next() {
        let Some(&(_, end)) = joined.iter().find(|(start, _)| *start == at) else {
            out.push(token);
            continue;
        };
        let mut parts = vec![token];
        while tokens.peek().is_some_and(|(i, _)| *i <= end) {
            parts.extend(tokens.next().map(|(_, t)| t));
        }
        let names: Vec<String> = parts.iter().filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.value.clone()),
            _ => None,
        }).collect();
        let span = datafusion::sql::sqlparser::tokenizer::Span::new(parts[0].span.start, parts[parts.len() - 1].span.end);
        let word = Word { value: names.join(&PATH_SEPARATOR.to_string()), quote_style: Some('`'), keyword: Keyword::NoKeyword };
        out.push(datafusion::sql::sqlparser::tokenizer::TokenWithSpan::new(Token::Word(word), span));
    }
    out
}

/// What one SQL translation has in scope: the relations its subquery
/// expressions refer to by plan id, and the common table expressions
/// (`WITH`) visible where it is, innermost last.
#[derive(Default)]
struct Scope {
    subqueries: Vec<connect::Relation>,
    ctes: Vec<(String, connect::Relation)>,
    markers: Markers,
    /// The recursive CTE the query being translated reads under a pushable
    /// `LIMIT`, and the rows it needs.
    pushed_limit: Option<(String, i64)>,
}

/// A statement's parameter values and where its `?` markers are.
#[derive(Default)]
struct Markers {
    arguments: SqlArguments,
    positions: Vec<Location>,
    /// The statement's text, for the query contexts of its expressions.
    sql_text: String,
}

impl Markers {
    /// The value of the marker `placeholder` (`:name` or `?`) found at `at`.
    fn value(&self, placeholder: &str, at: Location) -> Result<connect::Expression> {
        let found = match placeholder.strip_prefix(':') {
            Some(name) => self.arguments.named.get(name),
            None => self.positions.iter().position(|p| *p == at).and_then(|i| self.arguments.positional.get(i)),
        };
        found.cloned().ok_or_else(|| {
            let name = placeholder.strip_prefix(':').map_or_else(|| format!("_{}", at.column.saturating_sub(1)), str::to_string);
            SparkError::new(
                crate::ErrorKind::Analysis,
                "UNBOUND_SQL_PARAMETER",
                "42P02",
                format!(
                    "Found the unbound parameter: {name}. Please, fix `args` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as `map()`, `array()`, `struct()`."
                ),
                &[("name", name.clone())],
            )
        })
    }
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Plan ids of subquery relations: far above the client's own counters.
static NEXT_SUBQUERY_PLAN_ID: AtomicI64 = AtomicI64::new(1 << 48);

impl Scope {
    /// Runs a translation in a fresh scope; returns its result and the
    /// subquery relations it referred to.
    fn translate<T>(markers: Markers, f: impl FnOnce() -> Result<T>) -> Result<(T, Vec<connect::Relation>)> {
        let outer = SCOPE.with(|s| s.replace(Some(Scope { markers, ..Scope::default() })));
        let result = f();
        let scope = SCOPE.with(|s| s.replace(outer)).unwrap_or_default();
        Ok((result?, scope.subqueries))
    }

    fn with<T>(f: impl FnOnce(&mut Scope) -> T) -> Option<T> {
        SCOPE.with(|s| s.borrow_mut().as_mut().map(f))
    }

    /// The CTE named `name`, innermost first.
    fn cte(name: &str) -> Option<connect::Relation> {
        Scope::with(|scope| {
            scope.ctes.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, r)| r.clone())
        })
        .flatten()
    }
}

/// `root` with the relations its subqueries refer to.
fn with_references(root: connect::Relation, references: Vec<connect::Relation>) -> connect::Relation {
    if references.is_empty() {
        return root;
    }
    rel(RelType::WithRelations(Box::new(connect::WithRelations { root: Some(Box::new(root)), references })))
}

/// A subquery expression over `query`, whose relation joins the scope's references.
fn subquery(
    query: &ast::Query,
    kind: connect::subquery_expression::SubqueryType,
    in_values: Vec<connect::Expression>,
) -> Result<connect::Expression> {
    let plan_id = reference(query_relation(query)?)?;
    Ok(expr(ExprType::SubqueryExpression(connect::SubqueryExpression {
        plan_id,
        subquery_type: kind as i32,
        table_arg_options: None,
        in_subquery_values: in_values,
    })))
}

/// Gives `relation` a fresh plan id and adds it to the scope's references.
fn reference(mut relation: connect::Relation) -> Result<i64> {
    let plan_id = NEXT_SUBQUERY_PLAN_ID.fetch_add(1, Ordering::Relaxed);
    relation.common = Some(connect::RelationCommon { plan_id: Some(plan_id), ..Default::default() });
    Scope::with(|scope| scope.subqueries.push(relation))
        .ok_or_else(|| SparkError::unsupported("subqueries in expression strings"))?;
    Ok(plan_id)
}

/// Spark's numeric literal suffixes.
const NUMERIC_SUFFIXES: &[&str] = &["L", "S", "Y", "D", "F", "BD"];

/// Fails unless the input is consumed. One token too many is Spark's (ANTLR's)
/// "extra input"; more are a plain syntax error at the first of them.
fn expect_end(parser: &mut Parser) -> Result<()> {
    use datafusion::sql::sqlparser::tokenizer::Token;
    let next = parser.peek_token();
    if next.token == Token::EOF {
        return Ok(());
    }
    let error = format!("'{}'", next.token);
    let hint = match parser.peek_nth_token(1).token {
        Token::EOF => format!(": extra input {error}"),
        _ => String::new(),
    };
    Err(SparkError::parse_syntax(&error, &hint))
}

/// Parses an expression string with `parse`. Spark's grammar takes `*` as an
/// operand (`a + *` parses, and analysis rejects it), so when parsing fails at
/// a `*` after an operator the error is the one Spark reports past that `*`.
fn parse_expression_string<T>(sql: &str, parse: impl Fn(&mut Parser) -> Result<T>) -> Result<T> {
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::{Token, Word};
    let (mut parser, _) = parser(sql)?;
    let error = match parse(&mut parser) {
        Ok(parsed) => return Ok(parsed),
        Err(error) if error.parameters.get("error").is_some_and(|e| e == "'*'") => error,
        Err(error) => return Err(error),
    };
    let (mut tokens, _) = tokens(sql)?;
    let significant = significant_tokens(&tokens);
    let operand = significant.windows(2).find(|pair| {
        tokens[pair[1]].token == Token::Mul
            && matches!(
                tokens[pair[0]].token,
                Token::Plus | Token::Minus | Token::Mul | Token::Div | Token::Mod | Token::Eq | Token::Neq
                    | Token::Lt | Token::Gt | Token::LtEq | Token::GtEq | Token::StringConcat
            )
    });
    let Some(&[_, star]) = operand else { return Err(error) };
    tokens[star].token = Token::Word(Word { value: "__star__".into(), quote_style: None, keyword: Keyword::NoKeyword });
    let mut reparsed = Parser::new(&EmberDialect).with_tokens_with_locations(tokens);
    match parse(&mut reparsed) {
        Err(later) if later.error_class == "PARSE_SYNTAX_ERROR" => Err(later),
        _ => Err(error),
    }
}

/// Maps a parser error to `[PARSE_SYNTAX_ERROR]` at the offending token.
fn parse_error(err: &ParserError) -> SparkError {
    let message = err.to_string();
    let found = message
        .split("found: ")
        .nth(1)
        .map(|rest| rest.split(" at Line:").next().unwrap_or(rest).trim().to_string());
    match found {
        Some(token) if token == "EOF" => SparkError::parse_syntax("end of input", ""),
        Some(token) => SparkError::parse_syntax(&format!("'{token}'"), ""),
        None => SparkError::parse_syntax("end of input", ""),
    }
}

fn statement_kind(statement: &ast::Statement) -> String {
    let text = statement.to_string();
    text.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

fn rel(rel_type: RelType) -> connect::Relation {
    connect::Relation { common: None, rel_type: Some(rel_type) }
}

fn expr(expr_type: ExprType) -> connect::Expression {
    connect::Expression { common: None, expr_type: Some(expr_type) }
}

/// A call of the function `name` (resolved by name when planned).
pub(crate) fn function(name: &str, arguments: Vec<connect::Expression>) -> connect::Expression {
    expr(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
        function_name: name.to_string(),
        arguments,
        ..Default::default()
    }))
}

fn attribute(parts: &[ast::Ident]) -> connect::Expression {
    let name = parts.iter().map(|p| format!("`{}`", p.value.replace('`', "``"))).collect::<Vec<_>>().join(".");
    expr(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
        unparsed_identifier: name,
        ..Default::default()
    }))
}

fn alias(inner: connect::Expression, name: &str) -> connect::Expression {
    expr(ExprType::Alias(Box::new(connect::expression::Alias {
        expr: Some(Box::new(inner)),
        name: vec![name.to_string()],
        metadata: None,
    })))
}

pub(crate) fn literal(literal_type: connect::expression::literal::LiteralType) -> connect::Expression {
    expr(ExprType::Literal(connect::expression::Literal { data_type: None, literal_type: Some(literal_type) }))
}

fn query_relation(query: &ast::Query) -> Result<connect::Relation> {
    let Some(with) = &query.with else { return query_body(query) };
    let outer_ctes = Scope::with(|scope| scope.ctes.len())
        .ok_or_else(|| SparkError::unsupported("WITH in expression strings"))?;
    let result = (|| {
        for cte in &with.cte_tables {
            let relation = match with.recursive {
                true => recursive::common_table(cte)?,
                false => aliased(query_relation(&cte.query)?, &cte.alias),
            };
            Scope::with(|scope| scope.ctes.push((cte.alias.name.value.clone(), relation)));
        }
        query_body(query)
    })();
    Scope::with(|scope| scope.ctes.truncate(outer_ctes));
    result
}

/// A query without its `WITH` clause.
fn query_body(query: &ast::Query) -> Result<connect::Relation> {
    let pushed = recursive::pushable_limit(query);
    let outer = Scope::with(|scope| std::mem::replace(&mut scope.pushed_limit, pushed)).flatten();
    let relation = set_expr(&query.body);
    Scope::with(|scope| scope.pushed_limit = outer);
    let mut relation = relation?;
    if let Some(order_by) = &query.order_by {
        if let ast::OrderByKind::Expressions(exprs) = &order_by.kind {
            relation = sort(relation, exprs)?;
        }
    }
    if let Some(ast::LimitClause::LimitOffset { limit, offset, .. }) = &query.limit_clause {
        if let Some(offset) = offset {
            relation = rel(RelType::Offset(Box::new(connect::Offset {
                input: Some(Box::new(relation)),
                offset: integer(&offset.value)?,
            })));
        }
        if let Some(limit) = limit {
            relation = rel(RelType::Limit(Box::new(connect::Limit { input: Some(Box::new(relation)), limit: integer(limit)? })));
        }
    }
    Ok(relation)
}

fn integer(e: &ast::Expr) -> Result<i32> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.parse().map_err(|_| SparkError::illegal_argument(format!("invalid limit {n}"))),
            _ => Err(SparkError::illegal_argument(format!("invalid limit {e}"))),
        },
        _ => Err(SparkError::unsupported(format!("non-literal limit {e}"))),
    }
}

fn sort(input: connect::Relation, exprs: &[ast::OrderByExpr]) -> Result<connect::Relation> {
    // `ORDER BY ALL` stays the name `all`, which the planner reads as every column unless one has that name.
    let order = exprs.iter().map(sort_order).collect::<Result<Vec<_>>>()?;
    Ok(rel(RelType::Sort(Box::new(connect::Sort { input: Some(Box::new(input)), order, is_global: Some(true) }))))
}

/// One `ORDER BY` key.
pub(crate) fn sort_order(o: &ast::OrderByExpr) -> Result<connect::expression::SortOrder> {
    use connect::expression::sort_order::{NullOrdering, SortDirection};
    let direction = match o.options.asc {
        Some(false) => SortDirection::Descending,
        _ => SortDirection::Ascending,
    };
    let null_ordering = match o.options.nulls_first {
        Some(true) => NullOrdering::SortNullsFirst,
        Some(false) => NullOrdering::SortNullsLast,
        None => NullOrdering::SortNullsUnspecified,
    };
    Ok(connect::expression::SortOrder {
        child: Some(Box::new(expression(&o.expr)?)),
        direction: direction as i32,
        null_ordering: null_ordering as i32,
    })
}

fn set_expr(body: &ast::SetExpr) -> Result<connect::Relation> {
    match body {
        ast::SetExpr::Select(select) => select_relation(select),
        ast::SetExpr::Query(query) => query_relation(query),
        ast::SetExpr::SetOperation { op, set_quantifier, left, right } => {
            use connect::set_operation::SetOpType;
            let op_type = match op {
                ast::SetOperator::Union => SetOpType::Union,
                ast::SetOperator::Intersect => SetOpType::Intersect,
                ast::SetOperator::Except | ast::SetOperator::Minus => SetOpType::Except,
            };
            let is_all = matches!(set_quantifier, ast::SetQuantifier::All);
            Ok(rel(RelType::SetOp(Box::new(connect::SetOperation {
                left_input: Some(Box::new(set_expr(left)?)),
                right_input: Some(Box::new(set_expr(right)?)),
                set_op_type: op_type as i32,
                is_all: Some(is_all),
                by_name: Some(false),
                allow_missing_columns: Some(false),
            }))))
        }
        ast::SetExpr::Values(values) => values_relation(values),
        other => Err(SparkError::unsupported(format!("query {other}"))),
    }
}

/// The hidden column that keeps the rows of `VALUES` in their written order.
pub(crate) const VALUES_ROW: &str = "__values_row";

/// `VALUES (…), (…)` becomes a union of one-row projections named col1,
/// col2, …, sorted back into the written order of its rows.
fn values_relation(values: &ast::Values) -> Result<connect::Relation> {
    let ordered = values.rows.len() > 1;
    let mut result: Option<connect::Relation> = None;
    for (row_number, row) in values.rows.iter().enumerate() {
        let mut expressions = row
            .iter()
            .enumerate()
            .map(|(i, e)| Ok(alias(expression(e)?, &format!("col{}", i + 1))))
            .collect::<Result<Vec<_>>>()?;
        if ordered {
            expressions.push(alias(literal(LiteralType::Integer(row_number as i32)), VALUES_ROW));
        }
        let project = rel(RelType::Project(Box::new(connect::Project { input: None, expressions })));
        result = Some(match result {
            None => project,
            Some(previous) => rel(RelType::SetOp(Box::new(connect::SetOperation {
                left_input: Some(Box::new(previous)),
                right_input: Some(Box::new(project)),
                set_op_type: connect::set_operation::SetOpType::Union as i32,
                is_all: Some(true),
                by_name: Some(false),
                allow_missing_columns: Some(false),
            }))),
        });
    }
    let union = result.ok_or_else(|| SparkError::illegal_argument("VALUES without rows"))?;
    if !ordered {
        return Ok(union);
    }
    let row_order = ast::OrderByExpr {
        expr: ast::Expr::Identifier(ast::Ident::new(VALUES_ROW)),
        options: ast::OrderByOptions { asc: None, nulls_first: None },
        with_fill: None,
    };
    Ok(rel(RelType::Drop(Box::new(connect::Drop {
        input: Some(Box::new(sort(union, &[row_order])?)),
        columns: vec![],
        column_names: vec![VALUES_ROW.to_string()],
    }))))
}

/// `FROM t LATERAL VIEW [OUTER] generator(…) name [AS c1, …]`: every column of
/// `t` beside the generator's columns (named by the aliases when given),
/// qualified by the view's name.
fn lateral_view(base: connect::Relation, view: &ast::LateralView) -> Result<connect::Relation> {
    let mut generator = expression(&view.lateral_view)?;
    if view.outer {
        if let Some(ExprType::UnresolvedFunction(f)) = &mut generator.expr_type {
            f.function_name = format!("{}_outer", f.function_name.to_lowercase());
        }
    }
    let view_name = view.lateral_view_name.0.last().and_then(|part| part.as_ident()).map(|ident| ident.value.clone());
    if !view.lateral_col_alias.is_empty() || view_name.is_some() {
        generator = expr(ExprType::Alias(Box::new(connect::expression::Alias {
            expr: Some(Box::new(generator)),
            name: view.lateral_col_alias.iter().map(|ident| ident.value.clone()).collect(),
            metadata: view_name.as_deref().map(crate::generate::lateral_view_metadata),
        })));
    }
    let all = expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default()));
    let expressions = vec![all, generator];
    Ok(rel(RelType::Project(Box::new(connect::Project { input: Some(Box::new(base)), expressions }))))
}

fn select_relation(select: &ast::Select) -> Result<connect::Relation> {
    crate::sql_window::with_named_windows(&select.named_window, || hints::with_select_hints(select, || select_with_windows(select)))
}

fn select_with_windows(select: &ast::Select) -> Result<connect::Relation> {
    let mut input: Option<connect::Relation> = None;
    for table in &select.from {
        input = Some(table_with_joins(input.take(), table)?);
    }
    for view in &select.lateral_views {
        let base = input.ok_or_else(|| SparkError::unsupported("LATERAL VIEW without FROM"))?;
        input = Some(lateral_view(base, view)?);
    }
    if let Some(selection) = &select.selection {
        // Without FROM, the one row of no columns that a select reads.
        let input_relation = input.unwrap_or_else(|| rel(RelType::Project(Box::new(connect::Project { input: None, expressions: vec![] }))));
        input = Some(rel(RelType::Filter(Box::new(connect::Filter {
            input: Some(Box::new(input_relation)),
            condition: Some(expression(selection)?),
        }))));
    }
    let items = select.projection.iter().map(select_item).collect::<Result<Vec<_>>>()?;
    let (group_by, grouping_sets) = match &select.group_by {
        ast::GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => crate::sql_grouping::group_by(exprs)?,
        // As Spark: a grouping column `ALL`, read as every select item without an aggregate unless the input has such a column.
        ast::GroupByExpr::All(modifiers) if modifiers.is_empty() => (vec![attribute(&[ast::Ident::new("ALL")])], vec![]),
        ast::GroupByExpr::Expressions(..) | ast::GroupByExpr::All(_) => {
            return Err(SparkError::unsupported("GROUP BY modifiers"));
        }
    };
    let is_aggregate = !group_by.is_empty() || items.iter().any(contains_aggregate) || select.having.is_some();
    let mut relation = if is_aggregate {
        // HAVING may use aggregates the select list lacks: they are computed
        // as hidden columns, filtered on, then dropped.
        let mut hidden = Vec::new();
        // Spark reads `HAVING NULL` as a boolean NULL (a filter of NULL alone fails).
        let having_condition = |h: &ast::Expr| -> Result<connect::Expression> {
            let condition = expression(h)?;
            let is_null = matches!(&condition.expr_type, Some(ExprType::Literal(l)) if matches!(l.literal_type, Some(LiteralType::Null(_))));
            Ok(if is_null { cast_to(condition, "boolean") } else { condition })
        };
        let having = select.having.as_ref().map(|h| having_condition(h).map(|c| lift_aggregates(c, &mut hidden))).transpose()?;
        let hidden_names: Vec<String> = (0..hidden.len()).map(hidden_aggregate_name).collect();
        let mut aggregate_expressions = items;
        aggregate_expressions.extend(hidden);
        // SQL outputs only its select list, so the group type is left
        // unspecified: the planner then does not prepend the grouping columns.
        let aggregate = rel(RelType::Aggregate(Box::new(connect::Aggregate {
            input: input.map(Box::new),
            group_type: connect::aggregate::GroupType::Unspecified as i32,
            grouping_expressions: group_by,
            aggregate_expressions,
            pivot: None,
            grouping_sets,
        })));
        match having {
            Some(condition) => {
                let filtered = rel(RelType::Filter(Box::new(connect::Filter {
                    input: Some(Box::new(aggregate)),
                    condition: Some(condition),
                })));
                if hidden_names.is_empty() {
                    filtered
                } else {
                    rel(RelType::Drop(Box::new(connect::Drop {
                        input: Some(Box::new(filtered)),
                        columns: vec![],
                        column_names: hidden_names,
                    })))
                }
            }
            None => aggregate,
        }
    } else {
        rel(RelType::Project(Box::new(connect::Project { input: input.map(Box::new), expressions: items })))
    };
    if let Some(condition) = &select.qualify {
        relation = crate::sql_window::qualify(relation, condition)?;
    }
    if select.distinct.is_some() {
        relation = rel(RelType::Deduplicate(Box::new(connect::Deduplicate {
            input: Some(Box::new(relation)),
            column_names: vec![],
            all_columns_as_keys: Some(true),
            within_watermark: None,
        })));
    }
    organize::organized(relation, select)
}

const AGGREGATES: &[&str] = &["count", "sum", "avg", "mean", "min", "max", "first", "last", "collect_list", "collect_set", "stddev", "variance"];

fn hidden_aggregate_name(i: usize) -> String {
    format!("__having_aggregate_{i}")
}

/// Replaces each aggregate call in a HAVING condition by a reference to a
/// hidden column computing it, collected into `hidden`.
fn lift_aggregates(mut e: connect::Expression, hidden: &mut Vec<connect::Expression>) -> connect::Expression {
    match &mut e.expr_type {
        Some(ExprType::UnresolvedFunction(f)) if AGGREGATES.contains(&f.function_name.to_lowercase().as_str()) => {
            let name = hidden_aggregate_name(hidden.len());
            hidden.push(alias(e, &name));
            attribute(&[ast::Ident::new(name)])
        }
        Some(ExprType::UnresolvedFunction(f)) => {
            f.arguments = std::mem::take(&mut f.arguments).into_iter().map(|a| lift_aggregates(a, hidden)).collect();
            e
        }
        Some(ExprType::Cast(c)) => {
            c.expr = c.expr.take().map(|inner| Box::new(lift_aggregates(*inner, hidden)));
            e
        }
        _ => e,
    }
}

fn contains_aggregate(e: &connect::Expression) -> bool {
    match &e.expr_type {
        Some(ExprType::UnresolvedFunction(f)) => {
            AGGREGATES.contains(&f.function_name.to_lowercase().as_str()) || f.arguments.iter().any(contains_aggregate)
        }
        Some(ExprType::Alias(a)) => a.expr.as_deref().is_some_and(contains_aggregate),
        Some(ExprType::Cast(c)) => c.expr.as_deref().is_some_and(contains_aggregate),
        _ => false,
    }
}

fn join(left: connect::Relation, right: connect::Relation, join_type: connect::join::JoinType, condition: Option<connect::Expression>) -> connect::Relation {
    rel(RelType::Join(Box::new(connect::Join {
        left: Some(Box::new(left)),
        right: Some(Box::new(right)),
        join_condition: condition,
        join_type: join_type as i32,
        using_columns: vec![],
        join_data_type: None,
    })))
}

/// `table` and its joins, cross-joined (laterally when so marked) after `preceding`, the FROM items before it.
fn table_with_joins(preceding: Option<connect::Relation>, table: &ast::TableWithJoins) -> Result<connect::Relation> {
    use connect::join::JoinType;
    let first = table_factor(&table.relation)?;
    let mut relation = match preceding {
        None => first,
        Some(left) if lateral::is_lateral(&table.relation) => lateral::lateral_join(left, first, JoinType::Cross, None),
        Some(left) => join(left, first, JoinType::Cross, None),
    };
    for j in &table.joins {
        let right = table_factor(&j.relation)?;
        let (join_type, constraint) = match &j.join_operator {
            ast::JoinOperator::Join(c) | ast::JoinOperator::Inner(c) => (JoinType::Inner, Some(c)),
            ast::JoinOperator::Left(c) | ast::JoinOperator::LeftOuter(c) => (JoinType::LeftOuter, Some(c)),
            ast::JoinOperator::Right(c) | ast::JoinOperator::RightOuter(c) => (JoinType::RightOuter, Some(c)),
            ast::JoinOperator::FullOuter(c) => (JoinType::FullOuter, Some(c)),
            ast::JoinOperator::CrossJoin(c) => (JoinType::Cross, Some(c)),
            ast::JoinOperator::Semi(c) | ast::JoinOperator::LeftSemi(c) => (JoinType::LeftSemi, Some(c)),
            ast::JoinOperator::Anti(c) | ast::JoinOperator::LeftAnti(c) => (JoinType::LeftAnti, Some(c)),
            other => return Err(SparkError::unsupported(format!("join {other:?}"))),
        };
        if lateral::is_lateral(&j.relation) {
            lateral::check_join_type(join_type)?;
            let condition = match constraint {
                Some(ast::JoinConstraint::On(on)) => Some(expression(on)?),
                Some(ast::JoinConstraint::Using(_)) => return Err(SparkError::unsupported("LATERAL joins with USING")),
                _ => None,
            };
            relation = lateral::lateral_join(relation, right, join_type, condition);
            continue;
        }
        relation = match constraint {
            Some(ast::JoinConstraint::On(on)) => join(relation, right, join_type, Some(expression(on)?)),
            Some(ast::JoinConstraint::Using(names)) => {
                let mut j = join(relation, right, join_type, None);
                if let Some(RelType::Join(join)) = &mut j.rel_type {
                    join.using_columns = names.iter().map(|n| n.to_string()).collect();
                }
                j
            }
            Some(ast::JoinConstraint::Natural) => {
                let mut j = join(relation, right, join_type, None);
                if let Some(RelType::Join(join)) = &mut j.rel_type {
                    join.using_columns = vec![crate::natural_join::NATURAL.to_string()];
                }
                j
            }
            _ => join(relation, right, join_type, None),
        };
    }
    Ok(relation)
}

fn table_factor(factor: &ast::TableFactor) -> Result<connect::Relation> {
    let (relation, table_alias) = match factor {
        ast::TableFactor::Table { name, alias, args: None, .. } => (named_relation(name), alias),
        ast::TableFactor::Table { name, alias, args: Some(args), .. } => (table_function(name, &args.args)?, alias),
        ast::TableFactor::Function { name, args, alias, with_ordinality: false, .. } => (table_function(name, args)?, alias),
        ast::TableFactor::Derived { subquery, alias, .. } => (query_relation(subquery)?, alias),
        ast::TableFactor::NestedJoin { table_with_joins: nested, alias } => (table_with_joins(None, nested)?, alias),
        ast::TableFactor::Pivot { table, aggregate_functions, value_column, value_source, default_on_null, alias } => (
            reshape::pivot(table_factor(table)?, aggregate_functions, value_column, value_source, default_on_null.as_ref())?,
            alias,
        ),
        ast::TableFactor::Unpivot { table, value, name, columns, null_inclusion, alias } => {
            (reshape::unpivot(table_factor(table)?, value, name, columns, null_inclusion.as_ref())?, alias)
        }
        other => return Err(SparkError::unsupported(format!("FROM {other}"))),
    };
    let relation = match factor {
        ast::TableFactor::Table { sample: Some(kind), .. } | ast::TableFactor::Derived { sample: Some(kind), .. } => sample::sampled(relation, kind, table_alias.as_ref())?,
        _ => relation,
    };
    let name = match (table_alias, factor) {
        (Some(a), _) => Some(a.name.value.as_str()),
        (None, ast::TableFactor::Table { name, .. }) => name.0.last().and_then(|part| part.as_ident()).map(|i| i.value.as_str()),
        _ => None,
    };
    let relation = hints::hinted(relation, name);
    Ok(match table_alias {
        Some(a) => aliased(relation, a),
        None => relation,
    })
}

/// The table, view or common table expression called `name`.
fn named_relation(name: &ast::ObjectName) -> connect::Relation {
    if let Some(cte) = Some(name).filter(|n| n.0.len() == 1).and_then(|n| Scope::cte(&n.to_string())) {
        return recursive::with_pushed_limit(cte, &name.to_string());
    }
    if let Some(files) = files::file_relation(name) {
        return files;
    }
    rel(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::NamedTable(connect::read::NamedTable {
            unparsed_identifier: name.0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("."),
            options: Default::default(),
        })),
    }))
}

/// A parsed type as Spark's DDL text: sqlparser prints `MAP<k, v>` as `Map(k, v)`.
fn type_text(data_type: &ast::DataType) -> String {
    let text = data_type.to_string();
    let mut out = String::with_capacity(text.len());
    let mut closers: Vec<bool> = Vec::new();
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("Map(") {
            out.push_str("MAP<");
            closers.push(true);
            rest = &rest[4..];
            continue;
        }
        match c {
            '(' => closers.push(false),
            ')' if closers.pop() == Some(true) => {
                out.push('>');
                rest = &rest[1..];
                continue;
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `relation AS alias` or `relation AS alias(columns…)`.
fn aliased(relation: connect::Relation, alias: &ast::TableAlias) -> connect::Relation {
    let renamed = if alias.columns.is_empty() {
        relation
    } else {
        rel(RelType::ToDf(Box::new(connect::ToDf {
            input: Some(Box::new(relation)),
            column_names: alias.columns.iter().map(|c| c.name.value.clone()).collect(),
        })))
    };
    rel(RelType::SubqueryAlias(Box::new(connect::SubqueryAlias {
        input: Some(Box::new(renamed)),
        alias: alias.name.value.clone(),
        qualifier: vec![],
    })))
}

/// `name => value`: an argument passed by name.
fn named_argument(name: &ast::Ident, value: &ast::Expr) -> Result<connect::Expression> {
    Ok(keyword_argument(name, expression(value)?))
}

/// `name => value` with `value` translated.
fn keyword_argument(name: &ast::Ident, value: connect::Expression) -> connect::Expression {
    expr(ExprType::NamedArgumentExpression(Box::new(connect::NamedArgumentExpression { key: name.value.clone(), value: Some(Box::new(value)) })))
}

/// Table-valued functions in FROM: `range(end)`, `range(start, end[, step[, partitions]])`.
fn table_function(name: &ast::ObjectName, args: &[ast::FunctionArg]) -> Result<connect::Relation> {
    let function = name.to_string().to_lowercase();
    if function != "range" {
        // Resolved when planned: a table function the session registered.
        let value = |e: &ast::Expr| table_argument::translate(e).unwrap_or_else(|| expression(e));
        let arguments = args
            .iter()
            .map(|arg| match arg {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => value(e),
                ast::FunctionArg::Named { name, arg: ast::FunctionArgExpr::Expr(e), operator: ast::FunctionArgOperator::RightArrow } => {
                    Ok(keyword_argument(name, value(e)?))
                }
                other => Err(SparkError::unsupported(format!("table function argument {other}"))),
            })
            .collect::<Result<Vec<_>>>()?;
        if identifier::is_identifier_clause(&function) {
            return identifier::table(&arguments);
        }
        return Ok(rel(RelType::UnresolvedTableValuedFunction(connect::UnresolvedTableValuedFunction {
            function_name: name.to_string(),
            arguments,
        })));
    }
    let mut values = Vec::new();
    for arg in args {
        let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = arg else {
            return Err(SparkError::unsupported(format!("range argument {arg}")));
        };
        let text = match e {
            ast::Expr::Value(v) => v.value.to_string(),
            ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => format!("-{expr}"),
            other => return Err(SparkError::unsupported(format!("range argument {other}"))),
        };
        values.push(text.parse::<i64>().map_err(|_| SparkError::illegal_argument(format!("invalid range argument {text}")))?);
    }
    let (start, end, step, partitions) = match values.as_slice() {
        [end] => (0, *end, 1, None),
        [start, end] => (*start, *end, 1, None),
        [start, end, step] => (*start, *end, *step, None),
        [start, end, step, partitions] => (*start, *end, *step, Some(*partitions as i32)),
        _ => return Err(SparkError::illegal_argument("range takes 1 to 4 arguments")),
    };
    Ok(rel(RelType::Range(connect::Range { start: Some(start), end, step, num_partitions: partitions })))
}

fn select_item(item: &ast::SelectItem) -> Result<connect::Expression> {
    Ok(match item {
        ast::SelectItem::UnnamedExpr(e) => expression(e)?,
        ast::SelectItem::ExprWithAlias { expr: e, alias: a } => alias(expression(e)?, &a.value),
        ast::SelectItem::Wildcard(options) => star_except(expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default())), options),
        ast::SelectItem::QualifiedWildcard(kind, options) => star_except(
            expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar { unparsed_target: Some(format!("{kind}.*")), plan_id: None })),
            options,
        ),
        // `explode(m) AS (k, v)`: a name for each column of a generator.
        ast::SelectItem::ExprWithAliases { expr: e, aliases: names } => expr(ExprType::Alias(Box::new(connect::expression::Alias {
            expr: Some(Box::new(expression(e)?)),
            name: names.iter().map(|n| n.value.clone()).collect(),
            metadata: None,
        }))),
    })
}

/// The call that stands for `* EXCEPT (a, …)`: the star, then the columns it leaves out.
pub(crate) const STAR_EXCEPT: &str = "__star_except";

/// `star`, or with `EXCEPT (a, …)` the [`STAR_EXCEPT`] call of it and the left-out columns.
fn star_except(star: connect::Expression, options: &ast::WildcardAdditionalOptions) -> connect::Expression {
    let Some(except) = &options.opt_except else { return star };
    let left_out = std::iter::once(&except.first_element).chain(&except.additional_elements).map(|ident| {
        let parts: Vec<ast::Ident> = ident.value.split(PATH_SEPARATOR).map(|part| ast::Ident::with_quote('`', part)).collect();
        attribute(&parts)
    });
    function(STAR_EXCEPT, std::iter::once(star).chain(left_out).collect())
}

/// Converts an expression.
/// The arguments of `like`/`ilike` for `value LIKE pattern [ESCAPE 'c']`;
/// an escape of other than one character is Spark's `INVALID_ESC`.
fn like_arguments(value: &ast::Expr, pattern: &ast::Expr, escape: Option<&ast::ValueWithSpan>) -> Result<Vec<connect::Expression>> {
    let mut args = vec![expression(value)?, expression(pattern)?];
    if let Some(escape) = escape {
        let text = match &escape.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
            other => other.to_string(),
        };
        if text.chars().count() != 1 {
            return Err(SparkError::new(
                ErrorKind::Parse,
                "INVALID_ESC",
                "42604",
                format!("Found an invalid escape string: '{text}'. The escape string must contain only one character."),
                &[("invalidEscape", format!("'{text}'"))],
            ));
        }
        args.push(literal(LiteralType::String(text)));
    }
    Ok(args)
}

pub(crate) fn expression(e: &ast::Expr) -> Result<connect::Expression> {
    Ok(match e {
        ast::Expr::Identifier(ident) => origin::with_sql_origin(attribute(std::slice::from_ref(ident)), e),
        ast::Expr::CompoundIdentifier(parts) => origin::with_sql_origin(attribute(parts), e),
        ast::Expr::Nested(inner) => expression(inner)?,
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, long) => number_literal(n, *long)?,
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => literal(LiteralType::String(s.clone())),
            ast::Value::Boolean(b) => literal(LiteralType::Boolean(*b)),
            ast::Value::Placeholder(placeholder) => Scope::with(|scope| scope.markers.value(placeholder, v.span.start))
                .ok_or_else(|| SparkError::unsupported("parameter markers in expression strings"))??,
            ast::Value::Null => literal(LiteralType::Null(connect::DataType {
                kind: Some(connect::data_type::Kind::Null(Default::default())),
            })),
            ast::Value::HexStringLiteral(h) => {
                let bytes = (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..(i + 2).min(h.len())], 16))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|_| SparkError::parse_syntax(&format!("'X'{h}''"), ""))?;
                literal(LiteralType::Binary(bytes))
            }
            other => return Err(SparkError::unsupported(format!("literal {other}"))),
        },
        ast::Expr::BinaryOp { left, op, right } => {
            let name = match op {
                ast::BinaryOperator::Plus => "+",
                ast::BinaryOperator::Minus => "-",
                ast::BinaryOperator::Multiply => "*",
                ast::BinaryOperator::Divide => "/",
                ast::BinaryOperator::Modulo => "%",
                ast::BinaryOperator::Eq => "==",
                ast::BinaryOperator::NotEq => "!=",
                ast::BinaryOperator::Lt => "<",
                ast::BinaryOperator::LtEq => "<=",
                ast::BinaryOperator::Gt => ">",
                ast::BinaryOperator::GtEq => ">=",
                ast::BinaryOperator::Spaceship => "<=>",
                ast::BinaryOperator::And => "and",
                ast::BinaryOperator::Or => "or",
                ast::BinaryOperator::BitwiseAnd => "&",
                ast::BinaryOperator::BitwiseOr => "|",
                ast::BinaryOperator::BitwiseXor => "^",
                ast::BinaryOperator::StringConcat => "concat",
                ast::BinaryOperator::MyIntegerDivide | ast::BinaryOperator::DuckIntegerDivide => "div",
                other => return Err(SparkError::unsupported(format!("operator {other}"))),
            };
            origin::with_sql_origin(function(name, vec![expression(left)?, expression(right)?]), e)
        }
        ast::Expr::UnaryOp { op, expr: inner } => match op {
            ast::UnaryOperator::Not => function("not", vec![expression(inner)?]),
            ast::UnaryOperator::Minus => match inner.as_ref() {
                ast::Expr::Value(v) if matches!(v.value, ast::Value::Number(..)) => {
                    let ast::Value::Number(n, long) = &v.value else { unreachable!() };
                    number_literal(&format!("-{n}"), *long)?
                }
                _ => function("-", vec![expression(inner)?]),
            },
            ast::UnaryOperator::Plus => expression(inner)?,
            ast::UnaryOperator::BitwiseNot => function("~", vec![expression(inner)?]),
            other => return Err(SparkError::unsupported(format!("operator {other}"))),
        },
        ast::Expr::IsNull(inner) => function("isNull", vec![expression(inner)?]),
        ast::Expr::IsNotNull(inner) => function("isNotNull", vec![expression(inner)?]),
        ast::Expr::IsTrue(inner) => function("<=>", vec![expression(inner)?, literal(LiteralType::Boolean(true))]),
        ast::Expr::IsFalse(inner) => function("<=>", vec![expression(inner)?, literal(LiteralType::Boolean(false))]),
        ast::Expr::InList { expr: inner, list, negated } => {
            let mut args = vec![expression(inner)?];
            for item in list {
                args.push(expression(item)?);
            }
            negate(function("in", args), *negated)
        }
        ast::Expr::Between { expr: inner, negated, low, high } => {
            negate(function("between", vec![expression(inner)?, expression(low)?, expression(high)?]), *negated)
        }
        ast::Expr::Like { negated, expr: inner, pattern, escape_char, .. } => {
            negate(function("like", like_arguments(inner, pattern, escape_char.as_ref())?), *negated)
        }
        ast::Expr::ILike { negated, expr: inner, pattern, escape_char, .. } => {
            negate(function("ilike", like_arguments(inner, pattern, escape_char.as_ref())?), *negated)
        }
        ast::Expr::RLike { negated, expr: inner, pattern, .. } => {
            negate(function("rlike", vec![expression(inner)?, expression(pattern)?]), *negated)
        }
        ast::Expr::Case { operand, conditions, else_result, .. } => {
            let mut args = Vec::new();
            for when in conditions {
                let condition = expression(&when.condition)?;
                let condition = match operand {
                    Some(op) => function("==", vec![expression(op)?, condition]),
                    None => condition,
                };
                args.push(condition);
                args.push(expression(&when.result)?);
            }
            if let Some(else_result) = else_result {
                args.push(expression(else_result)?);
            }
            function("when", args)
        }
        ast::Expr::Cast { kind, expr: inner, data_type, .. } => {
            use connect::expression::cast::EvalMode;
            let eval_mode = match kind {
                ast::CastKind::TryCast | ast::CastKind::SafeCast => EvalMode::Try,
                _ => EvalMode::Unspecified,
            };
            expr(ExprType::Cast(Box::new(connect::expression::Cast {
                expr: Some(Box::new(expression(inner)?)),
                eval_mode: eval_mode as i32,
                cast_to_type: Some(connect::expression::cast::CastToType::TypeStr(type_text(data_type))),
            })))
        }
        ast::Expr::TypedString(typed) => {
            let text = match &typed.value.value {
                ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
                other => other.to_string(),
            };
            typed_literal(&type_text(&typed.data_type), &text)?
        }
        ast::Expr::Interval(interval) => interval_literal(interval)?,
        ast::Expr::Function(f) => function_call(f)?,
        ast::Expr::Lambda(l) => lambda_function(l)?,
        ast::Expr::CompoundFieldAccess { root, access_chain } => {
            let mut base = expression(root)?;
            for access in access_chain {
                let extraction = match access {
                    ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => expression(index)?,
                    ast::AccessExpr::Dot(ast::Expr::Identifier(field)) => literal(LiteralType::String(field.value.clone())),
                    other => return Err(SparkError::unsupported(format!("SQL field access {other}"))),
                };
                base = expr(ExprType::UnresolvedExtractValue(Box::new(connect::expression::UnresolvedExtractValue {
                    child: Some(Box::new(base)),
                    extraction: Some(Box::new(extraction)),
                })));
            }
            base
        }
        ast::Expr::Struct { values, fields } if fields.is_empty() => {
            function("struct", values.iter().map(expression).collect::<Result<Vec<_>>>()?)
        }
        // `(a, b)` builds a struct, as `struct(a, b)` does.
        ast::Expr::Tuple(values) => function("struct", values.iter().map(expression).collect::<Result<Vec<_>>>()?),
        ast::Expr::Wildcard(_) => expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default())),
        ast::Expr::Substring { expr: value, substring_from, substring_for, shorthand, .. } => {
            // `substring(s)` alone is a call of one argument, which Spark's registry refuses.
            let mut args = vec![expression(value)?];
            match substring_from {
                Some(from) => args.push(expression(from)?),
                None if substring_for.is_some() => args.push(literal(LiteralType::Integer(1))),
                None => {}
            }
            if let Some(length) = substring_for {
                args.push(expression(length)?);
            }
            function(if *shorthand { "substr" } else { "substring" }, args)
        }
        ast::Expr::Floor { expr: value, field } | ast::Expr::Ceil { expr: value, field } => {
            let name = if matches!(e, ast::Expr::Floor { .. }) { "floor" } else { "ceil" };
            let mut args = vec![expression(value)?];
            match field {
                ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) => {}
                ast::CeilFloorKind::Scale(scale) => args.push(expression(&ast::Expr::Value(scale.clone()))?),
                ast::CeilFloorKind::DateTimeField(other) => {
                    return Err(SparkError::unsupported(format!("{} TO {other}", name.to_uppercase())));
                }
            }
            function(name, args)
        }
        ast::Expr::Trim { expr: value, trim_where, trim_what, trim_characters } => {
            let name = match trim_where {
                Some(ast::TrimWhereField::Leading) => "ltrim",
                Some(ast::TrimWhereField::Trailing) => "rtrim",
                _ => "trim",
            };
            // Spark's order: the characters to trim, then the string; the
            // function form `trim(a, b)` is already in that order.
            let mut args = vec![expression(value)?];
            if let Some(what) = trim_what {
                args.insert(0, expression(what)?);
            } else if let Some(rest) = trim_characters.as_deref() {
                args.extend(rest.iter().map(expression).collect::<Result<Vec<_>>>()?);
            }
            function(name, args)
        }
        ast::Expr::Position { expr: needle, r#in } => function("locate", vec![expression(needle)?, expression(r#in)?]),
        ast::Expr::Overlay { expr: value, overlay_what, overlay_from, overlay_for } => {
            let mut args = vec![expression(value)?, expression(overlay_what)?, expression(overlay_from)?];
            if let Some(length) = overlay_for {
                args.push(expression(length)?);
            }
            function("overlay", args)
        }
        ast::Expr::Extract { field, expr: source, .. } => {
            function("extract", vec![literal(LiteralType::String(field.to_string())), expression(source)?])
        }
        ast::Expr::Subquery(query) => subquery(query, SubqueryType::Scalar, vec![])?,
        ast::Expr::Exists { subquery: query, negated } => negate(subquery(query, SubqueryType::Exists, vec![])?, *negated),
        ast::Expr::InSubquery { expr: value, subquery: query, negated } => {
            negate(subquery(query, SubqueryType::In, vec![expression(value)?])?, *negated)
        }
        ast::Expr::Collate { expr: value, collation } => {
            let name = collation.0.iter().map(|part| part.as_ident().map_or_else(|| part.to_string(), |ident| ident.value.clone())).collect::<Vec<_>>().join(".");
            function("collate", vec![expression(value)?, literal(LiteralType::String(name))])
        }
        // `struct(1 AS a)`: a named field.
        ast::Expr::Named { expr: value, name } => alias(expression(value)?, &name.value),
        other => return Err(SparkError::unsupported(format!("SQL expression {other}"))),
    })
}

/// `DATE'…'`, `TIMESTAMP'…'`, `TIMESTAMP_NTZ'…'` and other typed literals.
fn typed_literal(type_name: &str, text: &str) -> Result<connect::Expression> {
    let invalid = || {
        SparkError::new(
            crate::ErrorKind::Parse,
            "INVALID_TYPED_LITERAL",
            "42604",
            format!("The value of the typed literal \"{}\" is invalid: '{text}'.", type_name.to_uppercase()),
            &[("valueType", format!("\"{}\"", type_name.to_uppercase())), ("value", format!("'{text}'"))],
        )
    };
    let upper = type_name.to_uppercase();
    let ntz = || ember_functions::cast::parse_timestamp_ntz(text).ok_or_else(invalid);
    // A zone after the time of day (`Z`, `+01:00`, `UTC`) is kept for the cast to resolve.
    let has_zone = text.trim().get(10..).is_some_and(|rest| rest.contains(|c: char| c == '+' || c == '-' || c.is_ascii_alphabetic() && c != 'T'));
    Ok(match upper.as_str() {
        "DATE" => literal(LiteralType::Date(ember_functions::cast::parse_date(text).ok_or_else(invalid)?)),
        "TIMESTAMP_NTZ" => literal(LiteralType::TimestampNtz(ntz()?)),
        "TIMESTAMP" | "TIMESTAMP_LTZ" if !has_zone => timestamp_literal(ntz()?),
        "TIME" => {
            let nanos = ember_functions::time::parse_time(text).ok_or_else(invalid)?;
            literal(LiteralType::Time(connect::expression::literal::Time { nano: nanos - nanos % 1000, precision: Some(6) }))
        }
        _ => cast_to(literal(LiteralType::String(text.to_string())), type_name),
    })
}

/// `TIMESTAMP '…'` without a zone: its wall-clock time read in the session
/// time zone when the plan resolves, as an ANSI cast of the TIMESTAMP_NTZ
/// literal to the TIMESTAMP proto type (which names it as Spark names the
/// literal).
fn timestamp_literal(wall_clock_micros: i64) -> connect::Expression {
    use connect::data_type::{Kind, Timestamp};
    expr(ExprType::Cast(Box::new(connect::expression::Cast {
        expr: Some(Box::new(literal(LiteralType::TimestampNtz(wall_clock_micros)))),
        eval_mode: connect::expression::cast::EvalMode::Ansi as i32,
        cast_to_type: Some(connect::expression::cast::CastToType::Type(connect::DataType { kind: Some(Kind::Timestamp(Timestamp::default())) })),
    })))
}

fn cast_to(value: connect::Expression, type_name: &str) -> connect::Expression {
    expr(ExprType::Cast(Box::new(connect::expression::Cast {
        expr: Some(Box::new(value)),
        eval_mode: connect::expression::cast::EvalMode::Ansi as i32,
        cast_to_type: Some(connect::expression::cast::CastToType::TypeStr(type_name.to_string())),
    })))
}

/// ANSI interval literals: `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '1 02:03:04.5' DAY TO SECOND`,
/// `INTERVAL '5' HOUR`, …
fn interval_literal(interval: &ast::Interval) -> Result<connect::Expression> {
    use ast::DateTimeField as F;
    let unsupported = || SparkError::unsupported(format!("SQL interval {interval}"));
    let text = match interval.value.as_ref() {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
            ast::Value::Number(n, _) => n.clone(),
            _ => return Err(unsupported()),
        },
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => match expr.as_ref() {
            ast::Expr::Value(v) => format!("-{}", v.value.to_string().trim_matches('\'')),
            _ => return Err(unsupported()),
        },
        _ => return Err(unsupported()),
    };
    // Units from largest to smallest: year, month | day, hour, minute, second.
    let rank = |f: &F| match f {
        F::Year | F::Years => Some(0),
        F::Month | F::Months => Some(1),
        F::Day | F::Days => Some(2),
        F::Hour | F::Hours => Some(3),
        F::Minute | F::Minutes => Some(4),
        F::Second | F::Seconds => Some(5),
        _ => None,
    };
    let start = interval.leading_field.as_ref().and_then(rank).ok_or_else(unsupported)?;
    let end = match &interval.last_field {
        Some(f) => rank(f).ok_or_else(unsupported)?,
        None => start,
    };
    let parsed = parse_interval_text(&text, start, end).ok_or_else(|| {
        SparkError::new(
            crate::ErrorKind::Parse,
            "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING",
            "22006",
            format!("Error parsing '{text}' to interval. Interval string does not match the interval format of {interval}."),
            &[("input", text.clone())],
        )
    })?;
    // Spark's field codes: YEAR = 0, MONTH = 1; DAY = 0, HOUR = 1, MINUTE = 2, SECOND = 3.
    use connect::data_type::{DayTimeInterval, Kind, YearMonthInterval};
    let (value, kind) = if start <= 1 {
        let (start_field, end_field) = (Some(start as i32), Some(end as i32));
        (
            LiteralType::YearMonthInterval(i32::try_from(parsed).map_err(|_| unsupported())?),
            Kind::YearMonthInterval(YearMonthInterval { start_field, end_field, type_variation_reference: 0 }),
        )
    } else {
        let (start_field, end_field) = (Some(start as i32 - 2), Some(end as i32 - 2));
        (
            LiteralType::DayTimeInterval(i64::try_from(parsed).map_err(|_| unsupported())?),
            Kind::DayTimeInterval(DayTimeInterval { start_field, end_field, type_variation_reference: 0 }),
        )
    };
    Ok(expr(ExprType::Literal(connect::expression::Literal {
        data_type: Some(connect::DataType { kind: Some(kind) }),
        literal_type: Some(value),
    })))
}

/// The value of an ANSI interval's text for units `start..=end` (ranks as in
/// [`interval_literal`]): months for year-month intervals, microseconds for day-time ones.
fn parse_interval_text(text: &str, start: usize, end: usize) -> Option<i128> {
    if end < start || (start <= 1) != (end <= 1) {
        return None;
    }
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    // Day comes before a space, years before a dash, the rest are colon-separated.
    let parts: Vec<&str> = match (start, end) {
        (0, 1) => body.split('-').collect(),
        (2, e) if e > 2 => {
            let (day, rest) = body.split_once(' ')?;
            std::iter::once(day).chain(rest.split(':')).collect()
        }
        _ => body.split(':').collect(),
    };
    if parts.len() != end - start + 1 {
        return None;
    }
    const PER_UNIT: [i128; 6] = [12, 1, 86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000];
    let mut total: i128 = 0;
    for (unit, part) in (start..=end).zip(&parts) {
        let value = if unit == 5 {
            let (whole, fraction) = part.split_once('.').unwrap_or((part, ""));
            if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let micros: i128 = format!("{fraction:0<6}")[..6].parse().ok()?;
            whole.parse::<i128>().ok()?.checked_mul(PER_UNIT[5])?.checked_add(micros)?
        } else {
            part.parse::<i128>().ok()?.checked_mul(PER_UNIT[unit])?
        };
        if part.starts_with(['-', '+']) {
            return None;
        }
        total = total.checked_add(value)?;
    }
    Some(if negative { -total } else { total })
}

/// `x -> body` or `(x, i) -> body`: the body's names resolve to the
/// parameters first when planned.
fn lambda_function(l: &ast::LambdaFunction) -> Result<connect::Expression> {
    let params = match &l.params {
        ast::OneOrManyWithParens::One(p) => std::slice::from_ref(p),
        ast::OneOrManyWithParens::Many(ps) => ps.as_slice(),
    };
    let arguments = params
        .iter()
        .map(|p| connect::expression::UnresolvedNamedLambdaVariable { name_parts: vec![p.name.value.clone()] })
        .collect();
    Ok(expr(ExprType::LambdaFunction(Box::new(connect::expression::LambdaFunction {
        function: Some(Box::new(expression(&l.body)?)),
        arguments,
    }))))
}

fn negate(e: connect::Expression, negated: bool) -> connect::Expression {
    if negated { function("not", vec![e]) } else { e }
}

pub(crate) fn function_call(f: &ast::Function) -> Result<connect::Expression> {
    if let Some(over) = &f.over {
        return crate::sql_window::window_call(f, over);
    }
    let name = f.name.0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
    let (arguments, is_distinct) = match &f.args {
        ast::FunctionArguments::None => (vec![], false),
        ast::FunctionArguments::List(list) => {
            let distinct = matches!(list.duplicate_treatment, Some(ast::DuplicateTreatment::Distinct));
            let args = list
                .args
                .iter()
                .map(|arg| match arg {
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => expression(e),
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => {
                        Ok(expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default())))
                    }
                    ast::FunctionArg::Named { name, arg: ast::FunctionArgExpr::Expr(e), operator: ast::FunctionArgOperator::RightArrow } => {
                        named_argument(name, e)
                    }
                    other => Err(SparkError::unsupported(format!("function argument {other}"))),
                })
                .collect::<Result<Vec<_>>>()?;
            (args, distinct)
        }
        ast::FunctionArguments::Subquery(_) => return Err(SparkError::unsupported("subquery arguments")),
    };
    if identifier::is_identifier_clause(&name) {
        return identifier::column(&arguments);
    }
    let (mut arguments, mut name) = (arguments, name);
    if name.eq_ignore_ascii_case("collect_union") && matches!(f.null_treatment, Some(ast::NullTreatment::RespectNulls)) {
        // `collect_union(v) RESPECT NULLS`: a name no call can spell.
        name = "collect_union respect nulls".to_string();
    }
    if let [order] = f.within_group.as_slice() {
        let lower = name.to_lowercase();
        if matches!(lower.as_str(), "percentile_cont" | "percentile_disc" | "mode") {
            // `f(p) WITHIN GROUP (ORDER BY x [DESC])`: `f within group(x, p, descending)`.
            arguments.insert(0, expression(&order.expr)?);
            arguments.push(literal(LiteralType::Boolean(order.options.asc == Some(false))));
            name = format!("{lower} within group");
        }
    }
    if let Some(unit) = datetime_unit_keyword(&name, &f.args) {
        arguments[0] = literal(LiteralType::String(unit));
    }
    let call = expr(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
        function_name: name,
        arguments,
        is_distinct,
        // Only the registries: not the DataFrame API's partition transforms.
        is_internal: Some(false),
        ..Default::default()
    }));
    match &f.filter {
        Some(condition) => crate::sql_grouping::filtered_aggregate(call, expression(condition)?),
        None => Ok(call),
    }
}

/// The unit keyword of `timestampadd(DAY, …)`, `timestampdiff(…)` and their
/// `dateadd`/`date_add`/`datediff`/`date_diff` forms, as written.
fn datetime_unit_keyword(name: &str, args: &ast::FunctionArguments) -> Option<String> {
    let unit_function = matches!(
        name.to_lowercase().as_str(),
        "timestampadd" | "timestamp_add" | "dateadd" | "date_add" | "timestampdiff" | "timestamp_diff" | "datediff" | "date_diff"
    );
    let ast::FunctionArguments::List(list) = args else { return None };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(ast::Expr::Identifier(unit))), _, _]
            if unit_function && unit.quote_style.is_none() && ember_functions::timestamp_units::DatetimeUnit::parse(&unit.value).is_some() =>
        {
            Some(unit.value.clone())
        }
        _ => None,
    }
}

/// Spark SQL's numeric literals: integers are INT (or BIGINT when larger),
/// `1.5` is a DECIMAL, `1e3` a DOUBLE; suffixes choose the type (`1L`,
/// `1S`, `1Y`, `1.5D`, `1.5F`, `1.5BD`).
fn number_literal(text: &str, long_suffix: bool) -> Result<connect::Expression> {
    let invalid = || SparkError::parse_syntax(&format!("'{text}'"), "");
    let upper = text.to_uppercase();
    if let Some(digits) = upper.strip_suffix("BD") {
        let scale = digits.split('.').nth(1).map(str::len).unwrap_or(0);
        let precision = digits.trim_start_matches('-').replace('.', "").trim_start_matches('0').len().max(scale).max(1);
        return Ok(literal(LiteralType::Decimal(connect::expression::literal::Decimal {
            value: digits.to_string(),
            precision: Some(precision as i32),
            scale: Some(scale as i32),
        })));
    }
    if let Some(suffix) = upper.chars().last().filter(|c| c.is_ascii_alphabetic() && *c != 'E') {
        let digits = &text[..text.len() - 1];
        return match suffix {
            'L' => digits.parse::<i64>().map(|v| literal(LiteralType::Long(v))).map_err(|_| invalid()),
            'S' => digits.parse::<i16>().map(|v| literal(LiteralType::Short(i32::from(v)))).map_err(|_| invalid()),
            'Y' => digits.parse::<i8>().map(|v| literal(LiteralType::Byte(i32::from(v)))).map_err(|_| invalid()),
            'D' => digits.parse::<f64>().map(|v| literal(LiteralType::Double(v))).map_err(|_| invalid()),
            'F' => digits.parse::<f32>().map(|v| literal(LiteralType::Float(v))).map_err(|_| invalid()),
            _ => Err(invalid()),
        };
    }
    if long_suffix {
        return text.parse::<i64>().map(|v| literal(LiteralType::Long(v))).map_err(|_| SparkError::parse_syntax(&format!("'{text}'"), ""));
    }
    if text.contains(['e', 'E']) {
        return text.parse::<f64>().map(|v| literal(LiteralType::Double(v))).map_err(|_| SparkError::parse_syntax(&format!("'{text}'"), ""));
    }
    if text.contains('.') {
        let digits = text.trim_start_matches('-').replace('.', "");
        let scale = text.split('.').nth(1).map(str::len).unwrap_or(0);
        let precision = digits.trim_start_matches('0').len().max(scale).max(1);
        return Ok(literal(LiteralType::Decimal(connect::expression::literal::Decimal {
            value: text.to_string(),
            precision: Some(precision as i32),
            scale: Some(scale as i32),
        })));
    }
    if let Ok(v) = text.parse::<i32>() {
        return Ok(literal(LiteralType::Integer(v)));
    }
    if let Ok(v) = text.parse::<i64>() {
        return Ok(literal(LiteralType::Long(v)));
    }
    let digits = text.trim_start_matches('-').len();
    Ok(literal(LiteralType::Decimal(connect::expression::literal::Decimal {
        value: text.to_string(),
        precision: Some(digits as i32),
        scale: Some(0),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_texts_parse_per_unit() {
        assert_eq!(parse_interval_text("1-2", 0, 1), Some(14));
        assert_eq!(parse_interval_text("-3", 1, 1), Some(-3));
        assert_eq!(parse_interval_text("1 02:03:04.5", 2, 5), Some(((26 * 60 + 3) * 60 + 4) * 1_000_000 + 500_000));
        assert_eq!(parse_interval_text("90", 4, 4), Some(90 * 60_000_000));
        assert_eq!(parse_interval_text("1 02", 2, 5), None);
        assert_eq!(parse_interval_text("1-2", 0, 3), None);
        assert_eq!(parse_interval_text("99999999999999999999999999999999999", 2, 2), None);
    }

    #[test]
    fn map_types_keep_spark_syntax() {
        let cast = parse_expression("CAST(NULL AS array<map<string, struct<a: int>>>)").unwrap();
        let Some(ExprType::Cast(cast)) = cast.expr_type else { panic!("not a cast") };
        let Some(connect::expression::cast::CastToType::TypeStr(text)) = cast.cast_to_type else { panic!("no type text") };
        assert!(text.to_uppercase().starts_with("ARRAY<MAP<STRING, STRUCT<"), "{text}");
        assert!(ember_types::parse_ddl_type(&text, "UTC").is_ok(), "{text}");
    }

    #[test]
    fn syntax_errors_name_the_offending_token() {
        let err = parse_query("SELEC 1", &SqlArguments::default()).unwrap_err();
        assert_eq!(err.error_class, "PARSE_SYNTAX_ERROR");
        assert_eq!(err.parameters["error"], "'SELEC'");
    }

    #[test]
    fn parses_a_select_into_a_projection() {
        let relation = parse_query("SELECT a + 1 AS b FROM t WHERE a > 1", &SqlArguments::default()).unwrap();
        assert!(matches!(relation.rel_type, Some(RelType::Project(_))));
    }
}
