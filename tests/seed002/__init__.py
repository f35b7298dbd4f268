"""Graph seed-002 (Chinese articles on library consortia) checked with SPARQL."""
