"""Publishing the dataset: the dumps (:mod:`.dump`) and the VoID description (:mod:`.void`)."""
