//! E-invoice XML readers (owned by the e-invoice work package; interface agreed in the brief).
