"""Official documents (公文): the document number register (文号) and, later, letters."""
