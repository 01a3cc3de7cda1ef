//! Small, namespace-agnostic path lookups on a parsed XML tree.
//!
//! Every reader addresses elements by *local name* paths such as
//! `["ApplicableHeaderTradeSettlement", "InvoiceCurrencyCode"]`. Matching on local names (the
//! root's namespace is checked once, when the syntax is decided) keeps the readers independent of
//! the prefixes a producer chose and of the namespace versions that differ between ZUGFeRD 1,
//! CII D16B and Order-X (`ram:...:12`, `:100`, `:128`). A segment may list alternatives separated
//! by `|` (`"RateApplicablePercent|ApplicablePercent"`).
//!
//! All functions are iterative (no recursion), so hostile nesting depth cannot overflow the stack.

use roxmltree::Node;

/// Whether `node` is an element whose local name is one of the `|`-separated alternatives.
fn is_named(node: &Node<'_, '_>, segment: &str) -> bool {
    node.is_element()
        && segment
            .split('|')
            .any(|name| node.tag_name().name() == name)
}

/// Child elements named `segment` (alternatives allowed), in document order.
pub(crate) fn children<'a, 'i>(
    node: Node<'a, 'i>,
    segment: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is_named(c, segment))
}

/// First child element named `segment`.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, segment: &'a str) -> Option<Node<'a, 'i>> {
    children(node, segment).next()
}

/// All elements reached from `node` by following `path`, in document order. Every branch is
/// explored: `["PaymentMeans", "IBANID"]` finds the IBAN of the second payment means when the
/// first has none.
pub(crate) fn find_all<'a, 'i>(node: Node<'a, 'i>, path: &[&str]) -> Vec<Node<'a, 'i>> {
    let mut current = vec![node];
    for segment in path {
        current = current
            .into_iter()
            .flat_map(|n| n.children().filter(|c| is_named(c, segment)))
            .collect();
        if current.is_empty() {
            break;
        }
    }
    current
}

/// The first element reached by `path`.
pub(crate) fn find<'a, 'i>(node: Node<'a, 'i>, path: &[&str]) -> Option<Node<'a, 'i>> {
    find_all(node, path).into_iter().next()
}

/// Trimmed text content of an element; `None` when empty. Text split by comments or CDATA
/// sections is joined.
pub(crate) fn text<'a>(node: Node<'a, '_>) -> Option<String> {
    let joined: String = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The first element on `path` that has non-empty text, with that text.
pub(crate) fn find_text<'a, 'i>(
    node: Node<'a, 'i>,
    path: &[&str],
) -> Option<(Node<'a, 'i>, String)> {
    find_all(node, path)
        .into_iter()
        .find_map(|n| text(n).map(|t| (n, t)))
}

/// An attribute by local name, trimmed; `None` when absent or empty.
pub(crate) fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value().trim())
        .filter(|v| !v.is_empty())
}

/// An XPath-like location of `node` for provenance ("why" panel), e.g.
/// `/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[2]/...`.
/// Positions are given only where an element has same-named siblings.
pub(crate) fn node_path(node: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(|n| n.is_element())
        .map(|n| {
            let name = qualified_name(n);
            match sibling_position(n) {
                Some(pos) => format!("{name}[{pos}]"),
                None => name,
            }
        })
        .collect();
    parts.reverse();
    format!("/{}", parts.join("/"))
}

fn qualified_name(node: Node<'_, '_>) -> String {
    let tag = node.tag_name();
    match tag.namespace().and_then(|ns| node.lookup_prefix(ns)) {
        Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", tag.name()),
        _ => tag.name().to_owned(),
    }
}

/// 1-based position among same-named siblings, `None` when the element is the only one.
fn sibling_position(node: Node<'_, '_>) -> Option<usize> {
    let parent = node.parent_element()?;
    let same = |n: &Node<'_, '_>| n.is_element() && n.tag_name() == node.tag_name();
    let count = parent.children().filter(same).count();
    if count < 2 {
        return None;
    }
    parent
        .children()
        .filter(same)
        .position(|n| n == node)
        .map(|p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_every_branch_and_alternatives() {
        let doc = roxmltree::Document::parse(
            "<r xmlns:p='urn:x'><p:a><p:b/></p:a><p:a><p:b> v </p:b></p:a><c>w</c></r>",
        )
        .unwrap();
        let root = doc.root_element();
        assert_eq!(
            find_text(root, &["a", "b"]).map(|(_, t)| t).as_deref(),
            Some("v")
        );
        assert_eq!(
            find_text(root, &["x|c"]).map(|(_, t)| t).as_deref(),
            Some("w")
        );
        let (node, _) = find_text(root, &["a", "b"]).unwrap();
        assert_eq!(node_path(node), "/r/p:a[2]/p:b");
        assert!(find(root, &["a", "zz"]).is_none());
    }
}
