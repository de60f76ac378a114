"""What training and serving share: errors, the data schema, text rules, tables, the model artifact format and
the fast scoring path. It imports neither ``newsframe.train`` nor ``newsframe.serve``."""
