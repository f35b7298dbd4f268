"""What a build publishes beside the store: the dumps (:mod:`graph_loader.publish.dump`)
and the VoID description of the dataset (:mod:`graph_loader.publish.void`)."""
