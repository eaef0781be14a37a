//! A document as it stood at some heads, readable like the live document.
//! Authorizing a change compares the state before it with the state after
//! it; reading both from one document (automerge keeps the history) costs
//! nothing to set up, where forking at the old heads would rebuild the
//! whole document for every change.

use std::ops::RangeBounds;

use automerge::iter::{DocIter, Keys, ListRange, MapRange, Spans, Values};
use automerge::marks::{Mark, MarkSet};
use automerge::{
    AutomergeError, Change, ChangeHash, Cursor, CursorPosition, MoveCursor, ObjId, ObjType, Parents, Prop, ReadDoc,
    Stats, TextEncoding, Value,
};

/// `doc` as it was at `heads`: every read answers for that point in history.
#[derive(Clone, Copy, Debug)]
pub struct DocAt<'a, D: ReadDoc> {
    doc: &'a D,
    heads: &'a [ChangeHash],
}

impl<'a, D: ReadDoc> DocAt<'a, D> {
    /// A view of `doc` at `heads` (which `doc` must hold).
    pub fn new(doc: &'a D, heads: &'a [ChangeHash]) -> Self {
        Self { doc, heads }
    }
}

impl<D: ReadDoc> ReadDoc for DocAt<'_, D> {
    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, self.heads)
    }
    fn parents_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, heads)
    }
    fn keys<O: AsRef<ObjId>>(&self, obj: O) -> Keys<'_> {
        self.doc.keys_at(obj, self.heads)
    }
    fn keys_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Keys<'_> {
        self.doc.keys_at(obj, heads)
    }
    fn iter_at<O: AsRef<ObjId>>(&self, obj: O, heads: Option<&[ChangeHash]>) -> DocIter<'_> {
        self.doc.iter_at(obj, Some(heads.unwrap_or(self.heads)))
    }
    fn map_range<'b, O: AsRef<ObjId>, R: RangeBounds<String> + 'b>(&'b self, obj: O, range: R) -> MapRange<'b> {
        self.doc.map_range_at(obj, range, self.heads)
    }
    fn map_range_at<'b, O: AsRef<ObjId>, R: RangeBounds<String> + 'b>(
        &'b self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> MapRange<'b> {
        self.doc.map_range_at(obj, range, heads)
    }
    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(&self, obj: O, range: R) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, self.heads)
    }
    fn list_range_at<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, heads)
    }
    fn values<O: AsRef<ObjId>>(&self, obj: O) -> Values<'_> {
        self.doc.values_at(obj, self.heads)
    }
    fn values_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Values<'_> {
        self.doc.values_at(obj, heads)
    }
    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        self.doc.length_at(obj, self.heads)
    }
    fn length_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> usize {
        self.doc.length_at(obj, heads)
    }
    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Result<ObjType, AutomergeError> {
        self.doc.object_type(obj)
    }
    fn marks<O: AsRef<ObjId>>(&self, obj: O) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks_at(obj, self.heads)
    }
    fn marks_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks_at(obj, heads)
    }
    fn get_marks<O: AsRef<ObjId>>(
        &self,
        obj: O,
        index: usize,
        heads: Option<&[ChangeHash]>,
    ) -> Result<MarkSet, AutomergeError> {
        self.doc.get_marks(obj, index, Some(heads.unwrap_or(self.heads)))
    }
    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, self.heads)
    }
    fn text_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, heads)
    }
    fn spans<O: AsRef<ObjId>>(&self, obj: O) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans_at(obj, self.heads)
    }
    fn spans_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans_at(obj, heads)
    }
    fn get_cursor<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
    ) -> Result<Cursor, AutomergeError> {
        self.doc.get_cursor(obj, position, Some(at.unwrap_or(self.heads)))
    }
    fn get_cursor_moving<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
        move_cursor: MoveCursor,
    ) -> Result<Cursor, AutomergeError> {
        self.doc.get_cursor_moving(obj, position, Some(at.unwrap_or(self.heads)), move_cursor)
    }
    fn get_cursor_position<O: AsRef<ObjId>>(
        &self,
        obj: O,
        cursor: &Cursor,
        at: Option<&[ChangeHash]>,
    ) -> Result<usize, AutomergeError> {
        self.doc.get_cursor_position(obj, cursor, Some(at.unwrap_or(self.heads)))
    }
    fn get<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, self.heads)
    }
    fn get_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, heads)
    }
    fn hydrate<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: Option<&[ChangeHash]>,
    ) -> Result<automerge::hydrate::Value, AutomergeError> {
        self.doc.hydrate(obj, Some(heads.unwrap_or(self.heads)))
    }
    fn get_all<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all_at(obj, prop, self.heads)
    }
    fn get_all_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all_at(obj, prop, heads)
    }
    fn get_missing_deps(&self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        self.doc.get_missing_deps(heads)
    }
    fn get_change_by_hash(&self, hash: &ChangeHash) -> Option<Change> {
        self.doc.get_change_by_hash(hash)
    }
    fn stats(&self) -> Stats {
        self.doc.stats()
    }
    fn text_encoding(&self) -> TextEncoding {
        self.doc.text_encoding()
    }
}

/// The same view for autosurgeon, which reads through its own trait.
impl<D: ReadDoc> autosurgeon::ReadDoc for DocAt<'_, D> {
    type Parents<'b>
        = Parents<'b>
    where
        Self: 'b;
    fn get_heads(&self) -> Vec<ChangeHash> {
        self.heads.to_vec()
    }
    fn get<P: Into<Prop>>(&self, obj: &ObjId, prop: P) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, self.heads)
    }
    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<ObjType> {
        self.doc.object_type(obj).ok()
    }
    fn map_range<'b, O: AsRef<ObjId>, R: RangeBounds<String> + 'b>(&'b self, obj: O, range: R) -> MapRange<'b> {
        self.doc.map_range_at(obj, range, self.heads)
    }
    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(&self, obj: O, range: R) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, self.heads)
    }
    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        self.doc.length_at(obj, self.heads)
    }
    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, self.heads)
    }
    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, self.heads)
    }
    fn is_empty(&self) -> bool {
        self.doc.keys_at(automerge::ROOT, self.heads).count() == 0
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ROOT};

    use super::*;

    #[test]
    fn reads_answer_for_the_heads_given() {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        tx.put(ROOT, "grade", "一般").unwrap();
        tx.commit();
        let before = doc.get_heads();
        let mut tx = doc.transaction();
        tx.put(ROOT, "grade", "重大").unwrap();
        tx.put(ROOT, "added", 1).unwrap();
        tx.commit();
        let at = DocAt::new(&doc, &before);
        let grade: String = autosurgeon::hydrate_prop(&at, ROOT, "grade").unwrap();
        assert_eq!(grade, "一般");
        assert_eq!(at.keys(ROOT).count(), 1);
        let now: String = autosurgeon::hydrate_prop(&doc, ROOT, "grade").unwrap();
        assert_eq!(now, "重大");
    }
}
