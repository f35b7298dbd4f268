"""The hostile-input suite: every defect found by probing, as a regression test that asserts
the outcome and that the store is unchanged (graph names and quad counts before and after)."""
