# The release tarball: exactly the install layout, relative paths only, so it works wherever it is unpacked.
lmake.tar.gz: $(INSTALL)/.stamp
	@tar -C $(INSTALL) --owner=0 --group=0 -czf $@ bin _bin lib _lib share
	@echo "packed $@ ($$(du -h $@ | cut -f1))"
