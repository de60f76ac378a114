"""Training side of newsframe: labelled data, TF-IDF + linear models, evaluation and versioned artifacts."""
